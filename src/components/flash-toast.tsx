"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { toast } from "~/components/toast";

export type Flash = { tone: "success" | "error" | "info"; message: string } | null;

/** Shows a server-decided message once as a toast, then drops the query string that caused it. */
export function FlashToast({ flash }: { flash: Flash }) {
  const router = useRouter();
  const pathname = usePathname();
  const shown = useRef(false);
  useEffect(() => {
    if (!flash || shown.current) return;
    shown.current = true;
    toast[flash.tone](flash.message);
    router.replace(pathname, { scroll: false });
  }, [flash, pathname, router]);
  return null;
}
