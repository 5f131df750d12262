import { attentionItems, type AttentionInput, type AttentionItem } from "~/server/billing/attention";

/**
 * The org home's sections, each read on its own: one that fails (usage reads Redis, which may be
 * down) is null and its card says so, while the others still render. The attention list needs the
 * overview; without the usage or the budgets it is built from what came back and marked incomplete,
 * so the card does not claim that nothing needs attention when it could not look.
 */
export interface HomeReaders<O, U, B, I> {
  overview: () => Promise<O>;
  usage: () => Promise<U>;
  budgets: () => Promise<B>;
  invoices: () => Promise<I>;
}

export type HomeSection = keyof HomeReaders<unknown, unknown, unknown, unknown>;

export async function loadOrgHome<
  O extends AttentionInput["overview"],
  U extends AttentionInput["usage"],
  B extends { budgets: AttentionInput["budgets"] },
  I,
>(readers: HomeReaders<O, U, B, I>, onError: (section: HomeSection, error: unknown) => void) {
  const settled = await Promise.allSettled([readers.overview(), readers.usage(), readers.budgets(), readers.invoices()]);
  const sections: HomeSection[] = ["overview", "usage", "budgets", "invoices"];
  const value = <T>(index: number): T | null => {
    const result = settled[index]!;
    if (result.status === "fulfilled") return result.value as T;
    onError(sections[index]!, result.reason);
    return null;
  };
  const overview = value<O>(0);
  const usage = value<U>(1);
  const budgets = value<B>(2);
  const invoices = value<I>(3);
  const attention: { items: AttentionItem[]; incomplete: boolean } | null = overview
    ? { items: attentionItems({ overview, usage: usage ?? [], budgets: budgets?.budgets ?? [] }), incomplete: !usage || !budgets }
    : null;
  return { overview, usage, budgets, invoices, attention };
}
