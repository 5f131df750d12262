import type { Metadata } from "next";
import AuthLayout from "./(auth)/layout";
import { NotFoundMessage } from "~/components/not-found-message";

export const metadata: Metadata = { title: "Page not found" };

/** Any unknown address outside the dashboard: the app's own frame, not Next's bare default. */
export default function NotFound() {
  return (
    <AuthLayout>
      <NotFoundMessage />
    </AuthLayout>
  );
}
