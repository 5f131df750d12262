import Link from "next/link";

/** Where a sub-page sits ("Billing / Invoices"), each level but the current one a link back up. */
export function Breadcrumbs({ trail, current }: { trail: { label: string; href: string }[]; current: string }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <ol className="flex flex-wrap items-center gap-1 text-slate-500">
        {trail.map((level) => (
          <li key={level.href} className="flex items-center gap-1">
            <Link href={level.href} className="font-medium text-brand-700 hover:underline">
              {level.label}
            </Link>
            <span aria-hidden="true">/</span>
          </li>
        ))}
        <li aria-current="page" className="text-slate-700">
          {current}
        </li>
      </ol>
    </nav>
  );
}
