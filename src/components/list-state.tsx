import type { ReactNode } from "react";
import { Alert } from "~/components/ui";

/** Loading, error and empty states of a listed query, the same on every dashboard page. */
export function ListState<T>({
  query,
  noun,
  empty,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: { message: string } | null; data: T[] | undefined };
  noun: string;
  empty: ReactNode;
  children: (rows: T[]) => ReactNode;
}) {
  if (query.isPending) return <p className="text-sm text-slate-500">Loading {noun}…</p>;
  if (query.isError || !query.data) return <Alert>Could not load {noun}: {query.error?.message ?? "unknown error"}</Alert>;
  if (query.data.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  return <>{children(query.data)}</>;
}
