import type { StoredMessage } from '../emulator/store.js';
import type { Stage } from './stage.js';

const gatePost = (stage: Stage, slug: string, transition: string) => () => stage.channelPost((m) => m.text.startsWith(`Go/no-go for ${slug} (${transition})`));

/**
 * The owner clicks Request design gate on the brief and every stakeholder votes Go: the gate
 * closes at once (all voters voted) and the project moves to development, as a team would do it.
 */
export async function passDesignGate(stage: Stage, slug: string, brief: StoredMessage, owner: string, stakeholders: readonly string[]): Promise<void> {
  await stage.click(owner, brief, 'Request design gate', /Opened a go\/no-go gate/);
  const gate = await stage.waitFor(`the ${slug} design gate`, gatePost(stage, slug, 'design → development'));
  for (const voter of stakeholders) await stage.click(voter, gate, 'Go', /You voted \*Go\*/);
  await stage.waitFor(`the result of the ${slug} design gate`, () => stage.botReplies(gate).find((m) => m.text.startsWith(`GO for ${slug} `)));
}

/** The owner opens the deployment gate with a question; one stakeholder votes Go, the others have not yet. */
export async function openDeploymentGate(stage: Stage, slug: string, owner: string, firstVoter: string, question: string): Promise<void> {
  await stage.command(owner, `gate ${slug} --deadline 72h ${question}`, /Opened a go\/no-go gate/);
  const gate = await stage.waitFor(`the ${slug} deployment gate`, gatePost(stage, slug, 'development → deployment'));
  await stage.click(firstVoter, gate, 'Go', /You voted \*Go\*/);
  // The tally is redrawn through the outbox, at most every 1.5 s per message.
  await stage.waitFor(`the first vote on the ${slug} deployment gate`, () => / — Go 1, /.test(stage.fresh(gate).text));
}

/** Weekly check-ins on Monday mornings, one posted now, and a first answer. */
export async function startCheckins(stage: Stage, slug: string, owner: string, answerer: string): Promise<void> {
  await stage.command(owner, `viability ${slug} --every "weekly mon 09:00" --tz Europe/London`, /scheduled/);
  await stage.command(owner, `viability ${slug} now`, /Posting a viability check-in/);
  const checkin = await stage.waitFor(`the ${slug} viability check-in`, () => stage.channelPost((m) => m.text.startsWith(`Viability check-in for ${slug}: `)));
  await stage.click(answerer, checkin, 'On track', /You answered/);
}
