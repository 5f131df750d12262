"use client";

import { useTransition } from "react";
import { signOutAction } from "../actions";

/**
 * After the browser's own session was ended (revoked, or "sign out everywhere"): the sign-out
 * action clears the dead cookie and goes to /login.
 */
export function useLeaveDashboard() {
  const [leaving, startLeaving] = useTransition();
  const leave = () => startLeaving(async () => void (await signOutAction()));
  return { leaving, leave };
}
