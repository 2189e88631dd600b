import type { ServerResponse } from 'node:http';

/**
 * Refuses a Slack request before Bolt sees it, with a JSON error. A refusal that says `close` closes
 * the connection after the answer, so a sender still uploading is cut off instead of us reading
 * (and discarding) the rest of its body.
 */
export function refuse(res: ServerResponse, refusal: { status: number; error: string; message?: string; close?: boolean }): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ ok: false, error: refusal.error, ...(refusal.message !== undefined ? { message: refusal.message } : {}) });
  res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...(refusal.close ? { connection: 'close' } : {}) });
  res.end(body);
}
