import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBlocks, TooLargeError } from '../../src/shared/read-blocks.js';

const stream = (chunks: number[][]) => Readable.from(chunks.map((c) => Buffer.from(c)));
const join = (blocks: Uint8Array[]) => Array.from(Buffer.concat(blocks));

describe('readBlocks', () => {
  it('copies chunks into fixed-size blocks, each owning its memory, across chunk boundaries', async () => {
    const blocks = await readBlocks(stream([[1, 2, 3], [4, 5, 6, 7, 8], [9]]), { limit: 100, blockSize: 4 });
    expect(blocks.map((b) => Array.from(b))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    for (const b of blocks) expect(b.byteLength).toBe(b.buffer.byteLength);
  });

  it('gives no block for an empty stream, and a full last block as is', async () => {
    expect(await readBlocks(stream([]), { limit: 10 })).toEqual([]);
    expect(join(await readBlocks(stream([[1, 2], [3, 4]]), { limit: 10, blockSize: 2 }))).toEqual([1, 2, 3, 4]);
  });

  it('refuses more than the limit only after reading the stream to its end', async () => {
    let read = 0;
    const source = Readable.from((function* () {
      for (let i = 0; i < 5; i++) {
        read++;
        yield Buffer.alloc(10);
      }
    })());
    await expect(readBlocks(source, { limit: 25 })).rejects.toBeInstanceOf(TooLargeError);
    expect(read).toBe(5);
    expect(join(await readBlocks(stream([Array(25).fill(7)]), { limit: 25 }))).toHaveLength(25);
  });
});
