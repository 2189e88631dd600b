import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * Text carried inside a PNG as an iTXt chunk (PNG spec §11.3.4.5): how a chart takes its own
 * Vega-Lite spec along. Slack receives the PNG and nothing else, and image viewers ignore the
 * chunk; the sandbox page reads it back to draw the same chart interactively.
 */
export const SPEC_KEYWORD = 'vega-lite';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A spec bigger than this is a bug (charts draw at most a few hundred points): never inflate past it. */
const MAX_TEXT_BYTES = 4 * 1024 * 1024;

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Each chunk's type and data, in order; null when the bytes are not a well-formed PNG. */
function chunks(png: Buffer): { type: string; data: Buffer; start: number }[] | null {
  if (png.length < SIGNATURE.length || !png.subarray(0, 8).equals(SIGNATURE)) return null;
  const out: { type: string; data: Buffer; start: number }[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    if (at + 12 + length > png.length) return null;
    out.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length), start: at });
    at += 12 + length;
  }
  return at === png.length ? out : null;
}

/** The PNG with `text` (UTF-8, compressed) under `keyword` in an iTXt chunk just before its end. */
export function withTextChunk(png: Buffer, keyword: string, text: string): Buffer {
  const parsed = chunks(png);
  const end = parsed?.at(-1);
  if (!parsed || end?.type !== 'IEND') throw new Error('Not a PNG: cannot add a text chunk.');
  // keyword, NUL, compression flag 1 (zlib), method 0, empty language tag, NUL, empty translated keyword, NUL, text.
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 1, 0, 0, 0]), deflateSync(Buffer.from(text, 'utf8'))]);
  return Buffer.concat([png.subarray(0, end.start), chunk('iTXt', data), png.subarray(end.start)]);
}

/** Whether the PNG has an iTXt chunk under `keyword`: reads chunk headers only, inflates nothing. */
export function hasTextChunk(png: Buffer, keyword: string): boolean {
  const prefix = Buffer.from(`${keyword}\0`, 'latin1');
  return (chunks(png) ?? []).some((c) => c.type === 'iTXt' && c.data.subarray(0, prefix.length).equals(prefix));
}

/**
 * The text of the first iTXt chunk under `keyword`, or null: not a PNG, no such chunk, or one
 * that does not decode (a file anyone could have uploaded is read without trusting it).
 */
export function readTextChunk(png: Buffer, keyword: string): string | null {
  for (const c of chunks(png) ?? []) {
    if (c.type !== 'iTXt') continue;
    const nul = c.data.indexOf(0);
    if (nul < 0 || c.data.toString('latin1', 0, nul) !== keyword) continue;
    const compressed = c.data[nul + 1] === 1;
    // Skip the language tag and the translated keyword, each NUL-terminated.
    const lang = c.data.indexOf(0, nul + 3);
    const translated = lang < 0 ? -1 : c.data.indexOf(0, lang + 1);
    if (translated < 0) return null;
    const body = c.data.subarray(translated + 1);
    try {
      return (compressed ? inflateSync(body, { maxOutputLength: MAX_TEXT_BYTES }) : body).toString('utf8');
    } catch {
      return null;
    }
  }
  return null;
}
