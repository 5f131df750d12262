"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { useDateFormat } from "~/components/locale";
import { useTRPC } from "~/trpc/react";

/** How often an open dashboard asks for new notifications. */
const POLL_MS = 60_000;

/** The header's bell: the org's notifications, this member's unread count, and "mark all read". */
export function NotificationBell({ orgId }: { orgId: string }) {
  const { formatDateTime } = useDateFormat();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const bell = useQuery({ ...trpc.notifications.bell.queryOptions({ orgId }), refetchInterval: POLL_MS });
  const markAllRead = useMutation(
    trpc.notifications.markAllRead.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.notifications.bell.queryFilter({ orgId })) }),
  );
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent) {
        if (e.key !== "Escape") return;
        setOpen(false);
        // Keyboard users go back where they were, not to the top of the page.
        button.current?.focus();
      } else if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const unread = bell.data?.unread ?? 0;
  const label = unread === 0 ? "Notifications, none unread" : `Notifications, ${unread} unread`;
  // Screen readers hear a changed count (a poll brought a new alert), not the first load's.
  const [announcement, setAnnouncement] = useState("");
  const lastUnread = useRef<number | null>(null);
  const loadedUnread = bell.data?.unread;
  useEffect(() => {
    if (loadedUnread === undefined) return;
    if (lastUnread.current !== null && lastUnread.current !== loadedUnread) setAnnouncement(label);
    lastUnread.current = loadedUnread;
  }, [loadedUnread, label]);
  const newest = bell.data?.entries[0]?.createdAt;
  return (
    // Positioned only from md up: on a phone the panel spans the top bar it sits in (DashboardSidebar)
    // instead of hanging off the bell past the screen's edge.
    <div ref={root} className="md:relative">
      <span role="status" aria-live="polite" className="sr-only" data-testid="bell-announcement">
        {announcement}
      </span>
      <button
        ref={button}
        type="button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="relative inline-flex items-center gap-2 rounded-lg px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8}>
          <path d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 1 0-12 0v3.2a2 2 0 0 1-.6 1.4L4 17h5m6 0a3 3 0 1 1-6 0m6 0H9" />
        </svg>
        <span aria-hidden="true" className="hidden md:inline">
          Notifications
        </span>
        {unread > 0 && (
          <span data-testid="bell-unread" aria-hidden="true" className="rounded-full bg-red-600 px-1.5 text-xs font-semibold text-white">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div id={panelId} role="region" aria-label="Notifications" className="absolute inset-x-0 top-full z-20 mt-1 rounded-lg border border-slate-200 bg-white p-3 shadow-lg md:inset-x-auto md:top-auto md:left-0 md:mt-2 md:w-80">
          <div className="mb-2 flex items-center justify-between">
            <p className="text-sm font-semibold text-slate-900">Notifications</p>
            <button
              type="button"
              disabled={unread === 0 || !newest || markAllRead.isPending}
              // Up to the newest entry shown: one that arrived since stays unread.
              onClick={() => newest && markAllRead.mutate({ orgId, upTo: newest })}
              className="text-xs font-medium text-brand-700 hover:underline disabled:cursor-not-allowed disabled:text-slate-400 disabled:no-underline"
            >
              Mark all read
            </button>
          </div>
          {bell.isPending ? (
            <p className="text-sm text-slate-500">Loading…</p>
          ) : bell.isError ? (
            <p className="text-sm text-red-600">Could not load notifications.</p>
          ) : bell.data.entries.length === 0 ? (
            <p className="text-sm text-slate-500">Nothing yet.</p>
          ) : (
            <ul role="list" className="max-h-96 space-y-1 overflow-y-auto">
              {bell.data.entries.map((entry) => (
                <li key={entry.id} data-unread={entry.unread} className={"rounded-md px-2 py-1.5 text-sm " + (entry.unread ? "bg-brand-50" : "")}>
                  <Link href={entry.link} onClick={() => setOpen(false)} className={"block hover:underline " + (entry.unread ? "font-medium text-slate-900" : "text-slate-700")}>
                    {entry.unread && <span className="sr-only">Unread: </span>}
                    {entry.title}
                  </Link>
                  <time dateTime={entry.createdAt.toISOString()} className="text-xs text-slate-500">
                    {formatDateTime(entry.createdAt)}
                  </time>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
