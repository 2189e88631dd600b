import type { Response } from 'express';

/**
 * Refuses a Slack request before Bolt sees it. The connection is closed after the answer, so a
 * sender still uploading is cut off instead of us reading (and discarding) the rest of its body.
 */
export function refuse(res: Response, status: number, error: string, message: string): void {
  if (res.headersSent) return;
  res.status(status).set('connection', 'close').json({ ok: false, error, message });
}
