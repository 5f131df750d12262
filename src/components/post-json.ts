/** The app's REST answer: a JSON body with `message`, and `fieldErrors`/`reason` on a refusal. */
export interface ApiAnswer {
  ok: boolean;
  status: number;
  body: { message?: string; reason?: string; fieldErrors?: Record<string, string[] | undefined> } & Record<string, unknown>;
}

/** POSTs JSON to one of the app's routes from a page; a network failure is an answer too (status 0). */
export async function postJson(path: string, body?: unknown): Promise<ApiAnswer> {
  try {
    const res = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
    });
    return { ok: res.ok, status: res.status, body: ((await res.json().catch(() => ({}))) ?? {}) as ApiAnswer["body"] };
  } catch {
    return { ok: false, status: 0, body: { message: "Network error. Check your connection and try again." } };
  }
}
