import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackWebApiEmulator } from '../../src/sandbox/emulator/web-api.js';

// The emulator answers the real SDK the way Slack does; the app's tests are only as good as this.
describe('Slack Web API emulator', () => {
  let slack: SlackWebApiEmulator;
  let client: WebClient;
  beforeAll(async () => {
    slack = await new SlackWebApiEmulator().start();
    client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  });
  afterAll(async () => slack.close());

  it('auth.test identifies the bot and workspace; a wrong token is invalid_auth', async () => {
    expect(await client.auth.test()).toMatchObject({ ok: true, team_id: slack.teamId, user_id: slack.botUserId });
    const other = new WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(other.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('stores posts per channel and thread, with increasing timestamps and metadata', async () => {
    const root = await client.chat.postMessage({ channel: 'C1', text: 'root', metadata: { event_type: 't', event_payload: { n: 1 } } });
    const reply = await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: root.ts });
    expect(Number(reply.ts)).toBeGreaterThan(Number(root.ts));
    expect(slack.store.channelMessages('C1').map((m) => m.text)).toEqual(['root']);
    expect(slack.store.threadReplies('C1', root.ts!).map((m) => m.text)).toEqual(['reply']);
    const history = await client.conversations.history({ channel: 'C1', include_all_metadata: true });
    expect(history.messages?.[0]?.metadata).toEqual({ event_type: 't', event_payload: { n: 1 } });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', thread_ts: '1.000001' })).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
  });

  it('chat.update edits in place; an unknown ts is message_not_found', async () => {
    const m = await client.chat.postMessage({ channel: 'C2', text: 'v1' });
    await client.chat.update({ channel: 'C2', ts: m.ts!, text: 'v2' });
    expect(slack.store.find('C2', m.ts!)?.text).toBe('v2');
    await expect(client.chat.update({ channel: 'C2', ts: '9.9', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('refuses blocks Slack would refuse (invalid_blocks) and messages over 40,000 characters', async () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(client.chat.postMessage({ channel: 'C3', text: 'x', blocks: tooMany })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    const longButton = [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) }, action_id: 'a' }] }];
    await expect(client.chat.postMessage({ channel: 'C3', text: 'x', blocks: longButton })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(client.chat.postMessage({ channel: 'C3', text: 'x'.repeat(40_001) })).rejects.toMatchObject({ data: { error: 'msg_too_long' } });
    await expect(client.chat.postMessage({ channel: 'nope', text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });

  it('injects faults: HTTP 500, 429 with Retry-After, and ok:false, then recovers', async () => {
    slack.injectFault({ method: 'chat.postMessage', times: 1, status: 500 });
    slack.injectFault({ method: 'chat.postMessage', times: 1, status: 429, retryAfter: 7 });
    slack.injectFault({ method: 'chat.postMessage', times: 1, error: 'channel_not_found' });
    await expect(client.chat.postMessage({ channel: 'C4', text: 'a' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    await expect(client.chat.postMessage({ channel: 'C4', text: 'a' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    await expect(client.chat.postMessage({ channel: 'C4', text: 'a' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await expect(client.chat.postMessage({ channel: 'C4', text: 'a' })).resolves.toMatchObject({ ok: true });
    expect(slack.store.channelMessages('C4')).toHaveLength(1);
    expect(slack.store.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C4').map((c) => c.status)).toEqual([500, 429, 200, 200]);
  });

  it('runs the files v2 upload flow and attaches the bytes to a message in the thread', async () => {
    const root = await client.chat.postMessage({ channel: 'C5', text: 'chart below' });
    const bytes = Buffer.from('\x89PNG fake bytes');
    await client.files.uploadV2({ channel_id: 'C5', thread_ts: root.ts!, file: bytes, filename: 'chart.png', title: 'AUC per run' });
    const [msg] = slack.store.threadReplies('C5', root.ts!);
    expect(msg?.files?.[0]).toMatchObject({ filename: 'chart.png', title: 'AUC per run' });
    expect(msg?.files?.[0]?.bytes?.equals(bytes)).toBe(true);
  });

  it('views.open needs a live trigger id, used once', async () => {
    const trigger = slack.newTriggerId('U1');
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Edit' }, blocks: [] };
    const opened = await client.views.open({ trigger_id: trigger, view });
    expect(slack.store.views.get(opened.view!.id!)).toMatchObject({ userId: 'U1', open: true });
    await expect(client.views.open({ trigger_id: trigger, view })).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
    const longTitle = { ...view, title: { type: 'plain_text' as const, text: 'x'.repeat(25) } };
    await expect(client.views.open({ trigger_id: slack.newTriggerId('U1'), view: longTitle })).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
  });

  it('views.update replaces a modal; with the hash of an older copy it is hash_conflict and changes nothing', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Form' }, blocks: [] };
    const opened = await client.views.open({ trigger_id: slack.newTriggerId('U1'), view });
    const first = opened.view!.hash!;
    const updated = await client.views.update({ view_id: opened.view!.id!, hash: first, view: { ...view, title: { type: 'plain_text', text: 'Second' } } });
    expect(updated.view!.hash).not.toBe(first);
    await expect(client.views.update({ view_id: opened.view!.id!, hash: first, view: { ...view, title: { type: 'plain_text', text: 'Stale' } } })).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
    expect(slack.store.views.get(opened.view!.id!)!.view.title).toEqual({ type: 'plain_text', text: 'Second' });
    // Without a hash, the update is unconditional, as in Slack.
    await client.views.update({ view_id: opened.view!.id!, view });
    expect(slack.store.views.get(opened.view!.id!)!.view.title).toEqual({ type: 'plain_text', text: 'Form' });
  });

  it('response_url posts become ephemeral replies, in-channel messages or replacements', async () => {
    const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post(slack.newResponseUrl('C6', 'U1'), { text: 'only you' });
    expect(slack.store.ephemerals.at(-1)).toMatchObject({ channel: 'C6', user: 'U1', text: 'only you', via: 'response_url' });
    await post(slack.newResponseUrl('C6', 'U1'), { text: 'everyone', response_type: 'in_channel' });
    expect(slack.store.channelMessages('C6').at(-1)?.text).toBe('everyone');
    const original = await client.chat.postMessage({ channel: 'C6', text: 'before' });
    await post(slack.newResponseUrl('C6', 'U1', original.ts), { text: 'after', replace_original: true });
    expect(slack.store.find('C6', original.ts!)?.text).toBe('after');
  });

  it('a response_url from an ephemeral message replaces or deletes that ephemeral, for that person only', async () => {
    const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const shown = slack.store.addEphemeral({ channel: 'C7', user: 'U1', text: 'confirm?', via: 'chat.postEphemeral' });
    await post(slack.newResponseUrl('C7', 'U1', undefined, shown.id), { text: 'confirmed', replace_original: true });
    expect(slack.store.ephemerals.filter((e) => e.channel === 'C7').map((e) => e.text)).toEqual(['confirmed']);
    await post(slack.newResponseUrl('C7', 'U1', undefined, shown.id), { delete_original: true });
    expect(slack.store.ephemerals.filter((e) => e.channel === 'C7')).toEqual([]);
    expect(slack.store.channelMessages('C7')).toEqual([]);
  });

  it('chat.getPermalink links to a stored message in Slack\'s archives shape; an unknown one is message_not_found', async () => {
    const m = await client.chat.postMessage({ channel: 'C8', text: 'gate' });
    const link = await client.chat.getPermalink({ channel: 'C8', message_ts: m.ts! });
    expect(link.permalink).toBe(`${slack.url}/archives/C8/p${m.ts!.replace('.', '')}`);
    await expect(client.chat.getPermalink({ channel: 'C8', message_ts: '1.000002' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('keeps one App Home view id per person across publishes', async () => {
    const first = await client.views.publish({ user_id: 'U9', view: { type: 'home', blocks: [] } });
    const second = await client.views.publish({ user_id: 'U9', view: { type: 'home', blocks: [{ type: 'divider' }] } });
    expect(second.view?.id).toBe(first.view?.id);
    expect(slack.store.homeViews.get('U9')).toMatchObject({ id: first.view?.id, blocks: [{ type: 'divider' }] });
  });

  it('tells subscribers after every change a person could see, and stops when unsubscribed', async () => {
    let seen = 0;
    const stop = slack.store.subscribe(() => (seen += 1));
    const before = slack.store.version;
    await client.chat.postMessage({ channel: 'C9', text: 'hello' });
    expect(seen).toBeGreaterThan(0);
    expect(slack.store.version).toBeGreaterThan(before);
    stop();
    const after = seen;
    await client.chat.postMessage({ channel: 'C9', text: 'again' });
    expect(seen).toBe(after);
  });

  it('serves extra routes on its host ahead of the 404, and answers 500 with the message when one throws', async () => {
    slack.route((_req, res, _body, path) => {
      if (path === '/boom') throw new Error('page broke');
      if (path !== '/hello') return false;
      res.end('hi');
      return true;
    });
    expect(await (await fetch(`${slack.url}/hello`)).text()).toBe('hi');
    const boom = await fetch(`${slack.url}/boom`);
    expect([boom.status, await boom.json()]).toEqual([500, { ok: false, error: 'page broke' }]);
    expect((await fetch(`${slack.url}/elsewhere`)).status).toBe(404);
  });
});
