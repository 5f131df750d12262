import { describe, expect, it } from "vitest";
import { readBodyText, withBodyCap } from "~/server/http/read-body";
import { AppError } from "~/server/errors";

/** A POST whose body arrives in the given chunks. */
function chunked(chunks: Uint8Array[], headers: Record<string, string> = {}) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const init: RequestInit & { duplex: "half" } = { method: "POST", headers, body, duplex: "half" };
  return new Request("http://localhost/", init);
}

describe("readBodyText", () => {
  it("decodes a character split across chunks", async () => {
    const bytes = new TextEncoder().encode('{"name":"Zoë"}');
    const at = bytes.indexOf(0xc3) + 1; // between the two bytes of "ë"
    expect(await readBodyText(chunked([bytes.subarray(0, at), bytes.subarray(at)]), 100)).toBe('{"name":"Zoë"}');
  });

  it("takes a body of exactly the cap, in bytes, and refuses one more byte with a 413", async () => {
    const at = new TextEncoder().encode("ë".repeat(5)); // 10 bytes, 5 characters
    expect(await readBodyText(chunked([at]), 10)).toBe("ë".repeat(5));
    const refused = await readBodyText(chunked([at, new Uint8Array([0x61])]), 10).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413, details: { reason: "body_too_large", limitBytes: 10 } });
  });

  it("counts the bytes when Content-Length is not a number", async () => {
    expect(await readBodyText(chunked([new TextEncoder().encode("ok")], { "content-length": "lots" }), 10)).toBe("ok");
  });

  it("reads an absent body as empty text", async () => {
    expect(await readBodyText(new Request("http://localhost/", { method: "POST" }), 10)).toBe("");
  });
});

describe("withBodyCap", () => {
  it("passes the same request on with its body read, and a GET untouched", async () => {
    const req = new Request("http://localhost/api/trpc/x", { method: "POST", headers: { "content-type": "application/json", origin: "http://localhost" }, body: '{"a":"ë"}' });
    const capped = await withBodyCap(req, 100);
    expect(capped.method).toBe("POST");
    expect(capped.url).toBe(req.url);
    expect(capped.headers.get("origin")).toBe("http://localhost");
    expect(await capped.json()).toEqual({ a: "ë" });
    const get = new Request("http://localhost/api/trpc/x");
    expect(await withBodyCap(get, 1)).toBe(get);
  });

  it("refuses a body past the cap with a 413", async () => {
    const refused = await withBodyCap(chunked([new Uint8Array(11)]), 10).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
  });
});
