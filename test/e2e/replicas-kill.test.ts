import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPostgres } from '../../src/db/client.js';
import { insertApiToken } from '../../src/db/repositories/api-tokens.js';
import { createProject } from '../../src/db/repositories/projects.js';
import { auditLog, gateBallots, gates, outbox, projects, runs, slotClaims, timers, viabilityCheckins } from '../../src/db/schema/index.js';
import { newToken } from '../../src/domain/experiments/api-token.js';
import { SlackPeople } from '../../src/sandbox/emulator/person.js';
import { SlackWebApiEmulator } from '../../src/sandbox/emulator/web-api.js';
import { type AppProcess, buildDist, postRun, spawnApp } from '../helpers/app-process.js';
import { waitFor } from '../helpers/clock.js';
import { freshDatabase } from '../helpers/db.js';
import { buttonLabels, tallySection } from '../helpers/gates.js';
import { expectEachPostOnceInOrder } from '../helpers/outbox-proof.js';

const SECRET = 'replicas-test-signing-secret';
const CHANNEL = 'C0FLEET';
const OWNER = 'U0OWNER';
const VOTERS = Array.from({ length: 24 }, (_, i) => `U0FLEET${String(i).padStart(2, '0')}`);

/**
 * Three app processes (`node dist/main.js`) on one PostgreSQL and one Slack: a viability schedule
 * firing every 3 seconds, a gate voted on through all three, API runs posted to all three — and one
 * process killed with SIGKILL in the middle of it, then started again. Every slot runs once, the gate
 * closes once with every ballot, and every message reaches Slack exactly once.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('three replicas, one killed mid-burst (postgres)', () => {
  let emulator: SlackWebApiEmulator;
  let database: Database & { url?: string };
  let db: Database;
  const apps: AppProcess[] = [];
  beforeAll(async () => {
    buildDist();
    emulator = await new SlackWebApiEmulator().start();
    database = await freshDatabase('postgres');
  }, 180_000);
  afterAll(async () => {
    for (const a of apps) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    await db?.close();
    await database?.close();
    await emulator?.close();
  });

  it('exactly-once slots, gate close and outbox delivery, with one replica hard-killed and restarted', async () => {
    db = openPostgres(database.url!);
    const project = (await createProject(db.db, { teamId: emulator.teamId, slug: 'fleet', channelId: CHANNEL, ownerId: OWNER, now: new Date(), brief: { problem: 'Churn', stakeholders: VOTERS } }))!;
    await db.db.update(projects).set({ phase: 'development' }).where(eq(projects.id, project.id));
    const token = newToken();
    await insertApiToken(db.db, { teamId: emulator.teamId, projectId: project.id, publicId: token.publicId, tokenHash: token.hash, createdBy: OWNER, now: new Date() });

    const env = { DATABASE_URL: database.url!, SLACK_BOT_TOKEN: emulator.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: emulator.apiUrl, MIN_SCHEDULE_INTERVAL_SECONDS: '1', LOG_LEVEL: 'warn' };
    for (let i = 0; i < 3; i++) apps.push(await spawnApp(env));
    const people = () => apps.map((a) => new SlackPeople(emulator, a.url, SECRET));

    const say = async (text: string) => ((await people()[0]!.command(OWNER, CHANNEL, text)).body as { text: string }).text;
    expect(await say('viability fleet --every "*/3 * * * * *" --window 2s')).toContain('fleet');
    expect(await say('gate fleet --deadline 48h')).toContain('Opened a go/no-go gate');
    const gateMsg = await waitFor(() => emulator.store.channelMessages(CHANNEL).find((m) => m.text.startsWith('Go/no-go')), 'the gate message', 10_000);

    // The burst, spread over the three processes; the second is killed a third of the way in.
    const acked: string[] = [];
    const missedVoters: string[] = [];
    const burst: Promise<void>[] = [];
    for (let i = 0; i < 48; i++) {
      if (i === 16) apps[1]!.child.kill('SIGKILL');
      const target = i % 3;
      const name = `run-${i}`;
      burst.push(postRun(apps[target]!.url, token.token, 'fleet', name, 0.7 + i / 1000).then((a) => void (a.status === 201 && acked.push(name))));
      if (i < VOTERS.length) {
        const voter = VOTERS[i]!;
        burst.push(
          people()[target]!.click(voter, gateMsg, 'Go').then(
            (d) => void (d.status !== 200 && missedVoters.push(voter)),
            () => void missedVoters.push(voter),
          ),
        );
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    await Promise.all(burst);
    // Started again on the same port, as a supervisor would; people whose click was lost click again.
    apps[1] = await spawnApp(env, { port: apps[1]!.port });
    for (const v of missedVoters) expect((await people()[0]!.click(v, gateMsg, 'Go')).status).toBe(200);

    // The killed process's claimed rows come back when their lease (60 s) runs out.
    const [gate] = await db.db.select().from(gates).where(eq(gates.projectId, project.id));
    await waitFor(async () => (await db.db.select().from(gates).where(eq(gates.id, gate!.id)))[0]!.status === 'closed', 'the gate to close', 30_000);
    // Let the schedule fire a few more times with all three running. Every slot claimed so far then
    // has its check-in — or, if the killed process claimed it just before dying, its slot timer is
    // still open under that process's lease (another instance runs it when the lease ends): no slot
    // is lost. (Checked before turning the schedule off: `off` rightly stops a slot already claimed.)
    await waitFor(async () => (await db.db.select().from(slotClaims)).length >= 8, 'eight slots claimed', 40_000);
    let unaccounted: string[] = [];
    await waitFor(
      async () => {
        const claimed = await db.db.select().from(slotClaims);
        const posted = new Set((await db.db.select().from(viabilityCheckins)).map((c) => c.slotAt.getTime()));
        const held = new Set((await db.db.select().from(timers).where(and(eq(timers.kind, 'schedule.retry'), isNull(timers.doneAt), isNull(timers.cancelledAt)))).map((t) => t.ref));
        unaccounted = claimed.filter((c) => !posted.has(c.slotAt.getTime()) && !held.has(`${c.scheduleId}@${c.slotAt.toISOString()}`)).map((c) => c.slotAt.toISOString());
        return unaccounted.length === 0;
      },
      'every claimed slot to have its check-in or a held timer',
      15_000,
    ).catch(() => expect(unaccounted, 'claimed slots with neither a check-in nor a held timer').toEqual([]));
    expect(await say('viability fleet off')).toContain('fleet');
    await waitFor(async () => (await db.db.select({ status: outbox.status }).from(outbox)).every((r) => r.status === 'sent' || r.status === 'failed'), 'the outbox to drain', 90_000);

    // Every acked run stored once; the gate closed once with every ballot.
    const stored = (await db.db.select({ name: runs.name }).from(runs)).map((r) => r.name);
    expect(acked.length).toBeGreaterThan(20);
    for (const name of acked) expect(stored.filter((n) => n === name), name).toHaveLength(1);
    expect(await db.db.select().from(gateBallots).where(eq(gateBallots.gateId, gate!.id))).toHaveLength(VOTERS.length);
    const audit = await db.db.select({ action: auditLog.action }).from(auditLog);
    expect(audit.filter((a) => a.action === 'gate.closed')).toHaveLength(1);
    const gateNow = emulator.store.find(CHANNEL, gateMsg.ts)!;
    expect(tallySection(gateNow)).toContain('Closed: GO');
    expect(buttonLabels(gateNow)).toEqual([]);
    expect(emulator.store.threadReplies(CHANNEL, gateMsg.ts).filter((m) => m.text.startsWith('GO for'))).toHaveLength(1);

    // Each slot run at most once: every check-in belongs to a claimed slot, one per slot, each posted once.
    const claimedAt = new Set((await db.db.select().from(slotClaims)).map((c) => c.slotAt.getTime()));
    const checkins = await db.db.select().from(viabilityCheckins).where(eq(viabilityCheckins.projectId, project.id));
    expect(new Set(checkins.map((c) => c.slotAt.getTime())).size).toBe(checkins.length);
    expect(checkins.filter((c) => !claimedAt.has(c.slotAt.getTime()))).toEqual([]);
    expect(emulator.store.channelMessages(CHANNEL).filter((m) => m.text.startsWith('Viability check-in for'))).toHaveLength(checkins.length);

    // Nothing failed, and every queued post is in Slack exactly once, threads in order.
    const rows = await db.db.select().from(outbox);
    expect(rows.filter((r) => r.status !== 'sent').map((r) => `${r.id} ${r.method} ${r.lastError}`)).toEqual([]);
    expectEachPostOnceInOrder(rows, emulator.store.messages);
  }, 240_000);
});
