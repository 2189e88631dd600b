import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../src/slack/app.js';

// Slack's published app manifest schema (slackapi/manifest-schema), vendored as a test fixture. The
// top-level schema dispatches on _metadata.major_version to versioned schemas it names by URL.
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/slack-manifest-schema/${name}`, import.meta.url), 'utf8'));
const schema = fixture('manifest.schema.json');
const VERSIONED = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';
const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8'));

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

  it('keeps long_description within Slack limits (174–4000 characters)', () => {
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(174);
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
  });
});
