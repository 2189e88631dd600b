import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { printable } from '../shared/printable.js';

/**
 * The last error handler of the HTTP server, for errors no route handled itself (the API has its
 * own). A client mistake keeps its 4xx; anything else is a 500 with a JSON body — never Express's
 * default page, which shows the stack trace outside production. A client that went away mid-upload
 * is not an error of ours and is not logged as one.
 */
export function lastErrorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { status?: unknown; code?: unknown; message?: unknown };
    const clientStatus = typeof e?.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : undefined;
    const gone = e?.code === 'ECONNRESET' || e?.code === 'ECONNABORTED' || req.destroyed;
    if (gone) log.debug(`${req.method} ${printable(req.path)}: the client went away`);
    else if (!clientStatus) log.error(`${req.method} ${printable(req.path)} failed`, err);
    if (res.headersSent || gone) {
      req.socket.destroy();
      return;
    }
    const status = clientStatus ?? 500;
    res.status(status).json({ ok: false, error: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? 'Something went wrong on our side.' : printable(String(e?.message ?? 'Bad request'), 200) });
  };
}
