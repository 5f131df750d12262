/** An invoice as a PDF document, drawn with PDFKit (a maintained pure-JS PDF writer). */
import PDFDocument from "pdfkit";
import { day, money, type InvoiceLine } from "./format";
import type { StripeObject } from "./store";

export function invoicePdf(invoice: StripeObject): Promise<Buffer> {
  // Uncompressed, so that a test can read the text it carries.
  const doc = new PDFDocument({ size: "A4", margin: 50, compress: false, info: { Title: `Invoice ${String(invoice.number)}` } });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  const currency = invoice.currency as string;
  doc.fontSize(20).text(String(invoice.account_name));
  doc.moveDown().fontSize(12).text(`Invoice ${String(invoice.number)}`);
  doc.text(`Date of issue: ${day(invoice.created as number)}`);
  doc.text(`Billed to: ${String(invoice.customer_email ?? invoice.customer)}`);
  doc.text(`Status: ${String(invoice.status)}`);
  doc.moveDown();
  for (const line of (invoice.lines as { data: InvoiceLine[] }).data) {
    doc.text(`${line.description} (${day(line.period.start)} - ${day(line.period.end)})    ${money(line.amount, currency)}`);
  }
  doc.moveDown().text(`Total: ${money(invoice.total as number, currency)}`);
  doc.text(`Amount due: ${money(invoice.amount_remaining as number, currency)}`);
  doc.end();
  return done;
}
