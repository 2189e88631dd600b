import type { AnyMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import { describe, expect, it, vi } from 'vitest';
import { SlackListeners } from '../../../src/slack/listeners/registry.js';

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/** The arguments Bolt gives its global middleware for a request of each kind (only what the table reads). */
const args = (fields: Record<string, unknown>) => ({ next: vi.fn(async () => {}), ...fields }) as unknown as Args & { next: ReturnType<typeof vi.fn> };
const click = (actionId: string) => args({ body: { type: 'block_actions' }, action: { action_id: actionId }, payload: { action_id: actionId } });

describe('the listener table', () => {
  it('runs the listener registered for a command, an action id, a submitted view and an event type', async () => {
    const seen: string[] = [];
    const listeners = new SlackListeners()
      .command('/mlops', async () => void seen.push('command'))
      .action('gate.close', async () => void seen.push('action'))
      .view('brief.edit', async () => void seen.push('view'))
      .event('app_home_opened', async () => void seen.push('event'));
    const run = listeners.middleware();
    await run(args({ body: {}, command: { command: '/mlops' } }));
    await run(click('gate.close'));
    await run(args({ body: { type: 'view_submission' }, view: { callback_id: 'brief.edit' } }));
    await run(args({ body: { type: 'event_callback' }, event: { type: 'app_home_opened' } }));
    expect(seen).toEqual(['command', 'action', 'view', 'event']);
  });

  it('matches patterns, and runs every listener that matches', async () => {
    const exact = vi.fn(async () => {});
    const pattern = vi.fn(async () => {});
    const run = new SlackListeners().action('vote.go', exact).action(/^vote\./, pattern).middleware();
    await run(click('vote.go'));
    await run(click('vote.abstain'));
    expect(exact).toHaveBeenCalledTimes(1);
    expect(pattern).toHaveBeenCalledTimes(2);
  });

  it('hands a request no listener takes on to Bolt (ack-unhandled acknowledges it); a closed modal is not a submission', async () => {
    const view = vi.fn(async () => {});
    const run = new SlackListeners().view('brief.edit', view).action('a', async () => {}).middleware();
    const closed = args({ body: { type: 'view_closed' }, view: { callback_id: 'brief.edit' } });
    await run(closed);
    const unknown = click('old.button');
    await run(unknown);
    expect(view).not.toHaveBeenCalled();
    expect(closed.next).toHaveBeenCalledTimes(1);
    expect(unknown.next).toHaveBeenCalledTimes(1);
  });

  it('gives the listener the request with a no-op next, and passes its failure on to Bolt', async () => {
    const failure = new Error('boom');
    const run = new SlackListeners()
      .action('a', async ({ next, ack }) => {
        await next();
        await ack();
        throw failure;
      })
      .middleware();
    const ack = vi.fn(async () => {});
    const request = args({ body: { type: 'block_actions' }, action: { action_id: 'a' }, ack });
    await expect(run(request)).rejects.toBe(failure);
    expect(ack).toHaveBeenCalledTimes(1);
    expect(request.next).not.toHaveBeenCalled();
  });
});
