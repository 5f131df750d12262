"use client";

import { createContext, useContext, useMemo, type ReactNode } from "react";
import { DEFAULT_LOCALE, formatDate, formatDateTime } from "~/components/format";

/**
 * The request's locale, resolved once on the server (app/request-locale.ts) and handed down, so a
 * client component renders the same date text on the server and in the browser (no hydration
 * mismatch from the browser's own default locale).
 */
const LocaleContext = createContext(DEFAULT_LOCALE);

export function LocaleProvider({ locale, children }: { locale: string; children: ReactNode }) {
  return <LocaleContext value={locale}>{children}</LocaleContext>;
}

export const useLocale = () => useContext(LocaleContext);

/** format.ts's date formatters bound to the user's locale, for client components. */
export function useDateFormat() {
  const locale = useLocale();
  return useMemo(
    () => ({
      formatDate: (date: Date | string | null | undefined) => formatDate(date, locale),
      formatDateTime: (date: Date | string) => formatDateTime(date, locale),
    }),
    [locale],
  );
}
