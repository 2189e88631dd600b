import { describe, expect, it } from 'vitest';
import { ackWithin } from '../../../src/slack/listeners/gates/ack-budget.js';

describe('ackWithin', () => {
  it('acks once when the caller acks in time', async () => {
    let n = 0;
    const { ack } = ackWithin(async () => void n++, 50);
    await ack();
    await ack();
    await new Promise((r) => setTimeout(r, 80));
    expect(n).toBe(1);
  });

  it('acks by itself when the budget runs out, and not again when the caller gets there', async () => {
    let n = 0;
    const { ack } = ackWithin(async () => void n++, 10);
    await new Promise((r) => setTimeout(r, 40));
    expect(n).toBe(1);
    await ack();
    expect(n).toBe(1);
  });
});
