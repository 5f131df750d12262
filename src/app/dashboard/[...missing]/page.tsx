import { notFound } from "next/navigation";

// An unknown /dashboard/… address: Next would render the root 404 outside the dashboard's layout;
// matching it here renders dashboard/not-found.tsx inside it. Known routes win over a catch-all.
export default function MissingDashboardPage() {
  notFound();
}
