import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import type { Logger } from '../../src/logger.js';
import { SIGNING_SECRET } from './harness.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown> | undefined;
}

/**
 * A request through node:http rather than fetch, so a test controls what goes on the wire: bytes
 * that are not UTF-8, a body sent in chunks without Content-Length, a path fetch would normalise.
 * The answer is taken as soon as it arrives, even while the body is still being written (a server
 * that refuses early may close the connection on the rest; that write error is expected and ignored).
 */
export function rawRequest(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string; chunks?: { size: number; count: number }; timeoutMs?: number },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // A server that never answers is a failure of its own, not a test that hangs.
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer to ${opts.method ?? 'POST'} ${opts.path} within ${opts.timeoutMs ?? 10_000} ms`));
    }, opts.timeoutMs ?? 10_000);
    const req = request({ hostname, port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(parts).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (opts.chunks) {
      // Write chunk after chunk, waiting for the socket to drain, until done or the server answered.
      const chunk = Buffer.alloc(opts.chunks.size, 0x61);
      let sent = 0;
      const pump = () => {
        while (!answered && !req.destroyed && sent < opts.chunks!.count) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    } else {
      req.end(opts.body);
    }
  });
}

/** A v0 signature over raw bytes (the emulator signs strings; these tests need bytes that are not UTF-8). */
export function signedHeaders(body: Buffer | string, contentType: string, now = new Date()): Record<string, string> {
  const ts = Math.floor(now.getTime() / 1000);
  const sig = createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:`).update(body).digest('hex');
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${sig}` };
}

/** A signed `payload=` form body, as Slack sends interactions. */
export function signedPayload(payload: string, now = new Date()): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({ payload }).toString();
  return { body, headers: signedHeaders(body, 'application/x-www-form-urlencoded', now) };
}

/** A logger that keeps every line, so tests can check what was (and was not) logged. */
export function capturingLogger(): Logger & { lines: { level: string; text: string }[] } {
  const lines: { level: string; text: string }[] = [];
  const at = (level: string) => (...msg: unknown[]) => {
    lines.push({ level, text: msg.map((m) => (m instanceof Error ? `${m.name}: ${m.message}` : typeof m === 'string' ? m : JSON.stringify(m))).join(' ') });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
