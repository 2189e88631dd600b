import type { IncomingMessage } from 'node:http';

/** Slack's payloads are a few KB (a modal submission with every field filled is well under 100 KB). */
export const SLACK_BODY_LIMIT = 1024 * 1024;

export type BodyRead = { ok: true; raw: Buffer } | { ok: false; reason: 'too_large' };

/**
 * Reads a request body into memory, but never more than `limit` bytes: a declared Content-Length
 * over the limit is refused before a byte is read, and a body without one (chunked) is refused as
 * soon as the bytes received pass it — the rest is not kept. Everything that runs inside the stream
 * handlers is caught and rejects the promise, so a failure there reaches the error path rather
 * than escaping as an uncaught exception that would end the process.
 */
export function readCappedBody(req: IncomingMessage, limit = SLACK_BODY_LIMIT): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return resolve({ ok: false, reason: 'too_large' });
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      chunks = [];
      try {
        fn();
      } catch (err) {
        reject(err);
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) settle(() => resolve({ ok: false, reason: 'too_large' }));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      const raw = chunks;
      settle(() => resolve({ ok: true, raw: Buffer.concat(raw, size) }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    // Stays attached after settling: a connection reset while the refused rest is discarded is expected.
    req.on('error', (err) => settle(() => reject(err)));
  });
}
