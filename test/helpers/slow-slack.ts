import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack Web API in front of the emulator that can hold calls of a method until the test lets them
 * go: a listener (or an outbox send) "still running" is one waiting on a slow Slack answer.
 */
export class SlowSlack {
  /** The emulator's API URL, where calls are forwarded. */
  target = '';
  url = '';
  private server?: Server;
  private readonly holds = new Map<string, number>();
  private readonly waiting: { method: string; go: () => void }[] = [];

  /** The next `times` calls of `method` wait for `release`. */
  hold(method: string, times = 1): void {
    this.holds.set(method, (this.holds.get(method) ?? 0) + times);
  }

  /** How many calls (of `method`, or of any) are waiting now. */
  held(method?: string): number {
    return this.waiting.filter((w) => method === undefined || w.method === method).length;
  }

  /** Lets the oldest waiting call of `method` go on (every waiting call when no method is given). */
  release(method?: string): void {
    if (method === undefined) {
      for (const w of this.waiting.splice(0)) w.go();
      return;
    }
    const i = this.waiting.findIndex((w) => w.method === method);
    if (i >= 0) this.waiting.splice(i, 1)[0]!.go();
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const method = (req.url ?? '').split('?')[0]!.split('/').pop() ?? '';
      const holds = this.holds.get(method) ?? 0;
      if (holds > 0) {
        this.holds.set(method, holds - 1);
        await new Promise<void>((go) => this.waiting.push({ method, go }));
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
      try {
        const answer = await fetch(new URL(req.url!.replace(/^\/api\//, ''), this.target), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
      } catch {
        res.writeHead(502).end();
      }
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  async close(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
