import type { Metadata } from "next";
import { NotFoundMessage } from "~/components/not-found-message";

export const metadata: Metadata = { title: "Page not found" };

/** A missing dashboard page or record, inside the dashboard's shell so the navigation stays. */
export default function DashboardNotFound() {
  return <NotFoundMessage />;
}
