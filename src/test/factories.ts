import { randomUUID } from "node:crypto";
import { registerUser } from "~/server/auth/register-user";

/** A registered user with their own organization and first API token; unique per call. */
export async function makeUser(name = "Test User") {
  const email = `user-${randomUUID()}@example.test`;
  const password = "correct horse battery";
  const result = await registerUser({ email, password, name });
  return { ...result, email, password };
}

export function jsonRequest(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const headers = new Headers({ "content-type": "application/json" });
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  return new Request(`http://localhost${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}
