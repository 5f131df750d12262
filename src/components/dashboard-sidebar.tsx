"use client";

import { usePathname } from "next/navigation";
import { useId, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from "react";

/**
 * The dashboard's navigation frame. Below md it is a compact top bar (brand, bell, a menu button)
 * whose menu holds the organization, the links and the account; from md up it is the sidebar.
 *
 * The DOM follows the phone's order, so tab order matches what a phone shows. From md up the top
 * bar and the menu become `display: contents` and `order` puts the organization back between the
 * brand and the bell: the desktop sidebar looks as it always did.
 */
export function DashboardSidebar({
  brand,
  bell,
  organization,
  nav,
  account,
}: {
  brand: ReactNode;
  bell: ReactNode;
  organization: ReactNode;
  nav: ReactNode;
  account: ReactNode;
}) {
  const pathname = usePathname();
  // The menu is open for the page it was opened on: any navigation (a link, back, forward) closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);

  const closeOnEscape = (e: KeyboardEvent) => {
    if (!open || e.key !== "Escape") return;
    setOpenOn(null);
    // Keyboard users go back to the button that opened the menu, not to the top of the page.
    button.current?.focus();
  };
  // A link to the page already shown does not change the path; it closes the menu all the same.
  const closeOnLink = (e: MouseEvent) => {
    if ((e.target as Element).closest("a")) setOpenOn(null);
  };

  return (
    <aside className="border-b border-slate-200 bg-white px-4 py-2 md:flex md:min-h-screen md:w-60 md:flex-col md:border-r md:border-b-0 md:p-4">
      <div className="relative flex items-center gap-1 md:contents">
        <div className="mr-auto md:order-1 md:mr-0 md:mb-6">{brand}</div>
        {bell && <div className="md:order-3 md:mb-4">{bell}</div>}
        <button
          ref={button}
          type="button"
          aria-expanded={open}
          aria-controls={menuId}
          onClick={() => setOpenOn(open ? null : pathname)}
          onKeyDown={closeOnEscape}
          className="inline-flex items-center gap-2 rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 md:hidden"
        >
          <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8}>
            {open ? <path d="M6 6l12 12M18 6 6 18" /> : <path d="M4 7h16M4 12h16M4 17h16" />}
          </svg>
          Menu
        </button>
      </div>
      <div id={menuId} data-testid="dashboard-menu" onKeyDown={closeOnEscape} onClick={closeOnLink} className={(open ? "block" : "hidden") + " pt-2 pb-2 md:contents"}>
        <div className="mb-3 md:order-2 md:mb-6">{organization}</div>
        <div className="md:order-4">{nav}</div>
        <div className="mt-4 border-t border-slate-100 pt-3 text-sm md:order-5 md:mt-8 md:pt-4">{account}</div>
      </div>
    </aside>
  );
}
