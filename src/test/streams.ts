/**
 * A request body of `totalBytes` that exists only as it is read: each chunk is made when the
 * reader pulls it (highWaterMark 0, so nothing is pulled ahead), and the bytes handed out are
 * counted. A test can send 64 MiB without holding it, and assert how much the server read.
 */
export function meteredBody(totalBytes: number, chunkBytes = 64 * 1024) {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const size = Math.min(chunkBytes, totalBytes - pulled);
        pulled += size;
        controller.enqueue(new Uint8Array(size).fill(0x61)); // "a"
        if (pulled >= totalBytes) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulledBytes: () => pulled, cancelled: () => cancelled };
}
