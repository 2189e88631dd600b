import type { StoredMessage } from '../emulator/store.js';
import { type Stage, stopped } from './stage.js';

export interface IntakeCast {
  owner: string;
  scientist: string;
  stakeholders: readonly string[];
}

type Field = 'problem' | 'whyMl' | 'requirements' | 'successMetrics' | 'dataSources' | 'stakeholders' | 'risks' | 'timeline';

/** The brief's fields in the order intake asks for them. */
const FIELDS: readonly Field[] = ['problem', 'whyMl', 'requirements', 'successMetrics', 'dataSources', 'stakeholders', 'risks', 'timeline'];

/**
 * Which field a question is about, from its words (the part before its "e.g." example, which may
 * mention anything). With an LLM configured the wording varies, hence keywords, most specific first.
 */
const KEYWORDS: [Field, RegExp][] = [
  ['stakeholders', /stakeholder|vote|@-?mention/],
  ['successMetrics', /metric|measure success|target/],
  ['dataSources', /data/],
  ['whyMl', /\bml\b|machine learning|baseline|rules/],
  ['requirements', /requirement/],
  ['risks', /risk/],
  ['timeline', /timeline|when\b|deadline|by when/],
  ['problem', /problem/],
];

function fieldOf(question: string, answered: ReadonlySet<Field>): Field | undefined {
  const words = question.split(/\be\.g\./i)[0]!.toLowerCase();
  return KEYWORDS.find(([, re]) => re.test(words))?.[0] ?? FIELDS.find((f) => !answered.has(f));
}

/** The team's answers: the owner knows the business, the data scientist the metrics and the data. */
function answers(cast: IntakeCast): Record<Field, { by: string; text: string }> {
  const [risk, platform, finance] = cast.stakeholders.map((id) => `<@${id}>`);
  return {
    problem: {
      by: cast.owner,
      text: 'Card-not-present fraud costs us about 0.18% of card volume, and the fraud-ops team reviews 4,000 alerts a day by hand, most of them false positives. We want to score every card authorisation for fraud risk in real time, so ops can block or step up the risky ones and leave good customers alone.',
    },
    whyMl: {
      by: cast.owner,
      text: 'Our 140 hand-written rules catch about 55% of fraud at a 3% false-positive rate, and fraudsters work around a new rule within weeks. A gradient-boosted model on transaction, device and velocity features found 78% of fraud at 1% FPR in last year\'s offline test, and retraining keeps up with new patterns where rules cannot.',
    },
    requirements: {
      by: cast.owner,
      text: 'Score each authorisation inline, before the issuer decision, with p95 latency under 120 ms end to end. Give the top three reasons for every decline (ops and Reg E disputes need them). No protected attributes as features. If the model service is down, fall back to the current rules.',
    },
    successMetrics: { by: cast.scientist, text: 'auc >= 0.90, recall_at_1pct_fpr >= 0.75, latency_p95_ms <= 120' },
    dataSources: {
      by: cast.scientist,
      text: '18 months of card authorisations from the payments warehouse (about 240M rows), chargeback and fraud-ops case labels, device fingerprints from the 3DS provider. Concerns: chargeback labels arrive 30 to 90 days late, fraud is 0.2% of rows, and merchant category codes were remapped in March.',
    },
    stakeholders: { by: cast.owner, text: `${risk} for risk and model governance, ${platform} for serving and monitoring on the ML platform, ${finance} for the loss budget and the business case.` },
    risks: {
      by: cast.owner,
      text: 'Declining good customers (a false decline costs more in churn than most fraud), label delay hiding drift for weeks, fraudsters adapting to the model, and the model leaning on merchant or location proxies that treat some regions unfairly.',
    },
    timeline: { by: cast.owner, text: 'Offline model by the end of Q2, two weeks of shadow scoring on live traffic in July, a 5% canary in August, full rollout by the end of Q3 if the gates agree.' },
  };
}

/** What a person reads in a message: its sections (a re-asked question carries the reason there), else its text. */
function shown(m: StoredMessage): string {
  const sections = (m.blocks ?? []).filter((b) => b.type === 'section').map((b) => (b.text as { text?: string } | undefined)?.text ?? '');
  return sections.join(' ') || m.text;
}

const isBrief = (m: StoredMessage) => (m.blocks ?? []).some((b) => b.type === 'header' && (b.text as { text?: string } | undefined)?.text === 'Design brief');

/** Questions the loader answers at most: eight fields, plus an LLM's follow-ups and re-asks. */
const MAX_ANSWERS = 20;
/** A field asked for this often was not accepted: stop rather than loop. */
const MAX_ASKS = 3;

/**
 * `/mlops intake <slug>` by the owner, the scientist invited, on the first free slug of
 * `base`, `base-2`, `base-3`…; then the thread answered question by question until the Design
 * brief is posted. Returns the slug and the brief message.
 */
export async function runIntake(stage: Stage, base: string, cast: IntakeCast): Promise<{ slug: string; brief: StoredMessage }> {
  let slug: string | undefined;
  let mark = 0;
  for (let n = 1; n <= 50 && !slug; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const reply = await stage.command(cast.owner, `intake ${candidate} <@${cast.scientist}>`, /Starting the design intake|already a project/);
    if (/Starting the design intake/.test(reply)) slug = candidate;
    mark = stage.ephemeralMark();
  }
  if (!slug) throw stopped(`every slug from ${base} to ${base}-50 is taken; delete some projects first.`);

  // Slack may refuse the thread (the bot is not in the channel, say): the app then tells the owner why.
  const root = await stage.waitFor(
    `the intake thread for ${slug}`,
    () => stage.channelPost((m) => m.text.startsWith(`Design intake for ${slug},`)),
    () => stage.toldSince(cast.owner, mark),
  );
  const given = answers(cast);
  const asked = new Map<Field, number>();
  for (let seen = 0; seen <= MAX_ANSWERS; seen++) {
    const question = await stage.waitFor(seen === 0 ? `the first intake question for ${slug}` : `the bot's next message in the ${slug} intake thread`, () => stage.botReplies(root)[seen]);
    if (isBrief(question)) return { slug, brief: question };
    const field = fieldOf(question.text, new Set(asked.keys()));
    if (!field) throw stopped(`the intake asked something the example has no answer for: "${question.text.slice(0, 200)}"`);
    const times = (asked.get(field) ?? 0) + 1;
    if (times > MAX_ASKS) throw stopped(`the intake did not accept the example's answer about ${field}; it said: "${shown(question).slice(0, 300)}"`);
    asked.set(field, times);
    await stage.say(given[field].by, given[field].text, root.ts);
  }
  throw stopped(`the intake for ${slug} asked more than ${MAX_ANSWERS} questions without posting the Design brief.`);
}
