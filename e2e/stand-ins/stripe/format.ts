/** How the stand-in's hosted pages, PDFs and line descriptions write amounts and dates (UTC). */
export const money = (cents: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);

export const day = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10);

export type InvoiceLine = { description: string; amount: number; period: { start: number; end: number } };
