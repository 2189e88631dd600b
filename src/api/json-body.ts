import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { ApiError, UTF8_ONLY } from './errors.js';

/** The largest JSON body the API reads (a run is a few KB); more is a 413 before it is parsed. */
export const API_BODY_LIMIT = '2mb';

/**
 * express.json, refusing what it would otherwise decode quietly: a body in another charset
 * (utf-16 is decoded by default) and bytes that are not UTF-8 (each would be stored as U+FFFD).
 * Compressed bodies (gzip, deflate, br) are inflated first, and the limit applies to the inflated
 * size, so a small compressed body cannot expand past it.
 */
export function jsonBody(): RequestHandler {
  return express.json({
    limit: API_BODY_LIMIT,
    verify: (_req, _res, buf, encoding) => {
      if (encoding !== 'utf-8') throw new ApiError(415, 'unsupported_encoding', `The body's charset is ${encoding.slice(0, 40)}. ${UTF8_ONLY}`, 'body');
      if (!isUtf8(buf)) throw new ApiError(400, 'invalid_encoding', `The body is not valid UTF-8. ${UTF8_ONLY}`, 'body');
    },
  });
}
