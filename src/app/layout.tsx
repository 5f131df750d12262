import type { Metadata } from "next";
import { connection } from "next/server";
import { Toaster } from "sonner";
import { LocaleProvider } from "~/components/locale";
import { ToastNavigationReset } from "~/components/toast";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";
import { requestLocale } from "./request-locale";

export const metadata: Metadata = {
  title: { default: "VantFlow", template: "%s · VantFlow" },
  description: "VantFlow — AI automation, billed fairly.",
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  // Every page renders per request: the proxy's CSP allows only scripts carrying this response's
  // nonce, which a page prerendered at build time could not carry.
  await connection();
  const locale = await requestLocale();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <LocaleProvider locale={locale}>
          <TRPCReactProvider>{children}</TRPCReactProvider>
        </LocaleProvider>
        <Toaster position="top-right" richColors closeButton />
        <ToastNavigationReset />
      </body>
    </html>
  );
}
