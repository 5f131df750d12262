import type { Metadata } from "next";
import { Card, PageHeader } from "~/components/ui";
import { requireActiveOrg } from "../dashboard-context";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage() {
  const { active } = await requireActiveOrg();
  return (
    <>
      <PageHeader title="Billing" description={`Plan and usage of ${active.organization.name}.`} />
      <Card title="Current plan">
        <p className="text-sm text-slate-600">
          This organization has no paid subscription. Subscriptions, usage and invoices appear here once billing is
          connected.
        </p>
      </Card>
    </>
  );
}
