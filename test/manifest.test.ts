import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { OUTBOX_METHODS } from '../src/db/schema/jobs.js';
import { BOT_SCOPES } from '../src/slack/app.js';
import { GATE_FORM } from '../src/messages/ids/forms.js';
import { SUBCOMMANDS } from '../src/slack/listeners/commands/subcommands/index.js';

// Slack's published app manifest schema (slackapi/manifest-schema), vendored as a test fixture. The
// top-level schema dispatches on _metadata.major_version to versioned schemas it names by URL.
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/slack-manifest-schema/${name}`, import.meta.url), 'utf8'));
const schema = fixture('manifest.schema.json');
const VERSIONED = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';
const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8'));

/**
 * The bot scopes each Web API method the app calls needs (api.slack.com/methods). A method missing
 * here fails the test below: a new call is a decision about scopes, made in this table.
 */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  // .public: the project and alert channels the bot was not invited to.
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  'views.open': [],
  'views.publish': [],
  'views.update': [],
  'conversations.open': ['im:write'],
  // The outbox's check for an earlier post, in project channels public or private. In a DM it is
  // refused (no im:history) and the row is posted again, as the outbox worker documents.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'users.info': ['users:read'],
  'files.upload': ['files:write'],
  'files.uploadV2': ['files:write'],
};
const EVENT_SCOPES: Record<string, string[]> = {
  app_home_opened: [],
  app_uninstalled: [],
  tokens_revoked: [],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
};

/** `client.<family>.<method>(` in the app's source (not the sandbox's emulator, the OpenAI client or the database driver). */
function webApiMethodsCalled(): string[] {
  const src = new URL('../src/', import.meta.url);
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !/^(sandbox|llm|db)\//.test(f.replace(/\\/g, '/')));
  const found = new Set<string>();
  for (const f of files) for (const m of readFileSync(new URL(f, src), 'utf8').matchAll(/\bclient\.(\w+)\.(\w+)\(/g)) found.add(`${m[1]}.${m[2]}`);
  return [...found].sort();
}

describe('manifest.yml', () => {
  it("validates against Slack's app manifest JSON schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(fixture('manifest.schema.1.0.0.json'), `${VERSIONED}manifest.schema.1.0.0.json`);
    ajv.addSchema(fixture('manifest.schema.2.0.0.json'), `${VERSIONED}manifest.schema.2.0.0.json`);
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('declares /mlops with escaping on, App Home, interactivity and the events the app handles', () => {
    const cmd = manifest.features.slash_commands.find((c: { command: string }) => c.command === '/mlops');
    expect(cmd.should_escape).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['app_home_opened', 'app_uninstalled', 'tokens_revoked', 'message.channels']));
  });

  it('asks for exactly the bot scopes the OAuth installer requests', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('asks for exactly the scopes the code needs: its Web API calls, its events and the slash command', () => {
    const methods = [...new Set([...webApiMethodsCalled(), ...OUTBOX_METHODS])];
    expect(methods).toContain('chat.postMessage');
    expect(methods.filter((m) => !(m in METHOD_SCOPES))).toEqual([]);
    const events: string[] = manifest.settings.event_subscriptions.bot_events;
    expect(events.filter((e) => !(e in EVENT_SCOPES))).toEqual([]);
    const needed = new Set(['commands', ...methods.flatMap((m) => METHOD_SCOPES[m]!), ...events.flatMap((e) => EVENT_SCOPES[e]!)]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('declares the "Open a gate" global shortcut the app listens for', () => {
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: 'global', callback_id: GATE_FORM.shortcut, name: 'Open a gate' })]);
  });

  it("the slash command's usage hint names every subcommand and help", () => {
    const hint: string = manifest.features.slash_commands.find((c: { command: string }) => c.command === '/mlops').usage_hint;
    const named = hint.split('|').map((part) => part.trim().split(/\s+/)[0]);
    expect(named).toEqual([...SUBCOMMANDS.map((s) => s.name), 'help']);
  });

  it('keeps long_description within Slack limits (174–4000 characters)', () => {
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(174);
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
  });
});
