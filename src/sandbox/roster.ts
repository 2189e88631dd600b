/**
 * The sandbox workspace's cast: a few channels and a handful of people, each in their own time
 * zone (so `<!date^…>` shows in the viewer's zone). The sandbox page lets a person act as any of
 * them; "Load example" casts them in a realistic project.
 */
export interface SandboxPerson {
  id: string;
  name: string;
  /** What they do on the team, shown beside their name in the act-as picker. */
  role: string;
  tz: string;
}

export interface SandboxChannel {
  id: string;
  name: string;
  topic: string;
}

export const SANDBOX_PEOPLE: readonly SandboxPerson[] = [
  { id: 'U0ADA', name: 'Ada', role: 'Product owner', tz: 'Europe/London' },
  { id: 'U0BEN', name: 'Ben', role: 'Data scientist', tz: 'America/New_York' },
  { id: 'U0CHEN', name: 'Chen', role: 'Risk lead (stakeholder)', tz: 'Asia/Singapore' },
  { id: 'U0DANA', name: 'Dana', role: 'ML platform (stakeholder)', tz: 'Europe/Berlin' },
  { id: 'U0EMIL', name: 'Emil', role: 'Finance (stakeholder)', tz: 'America/Los_Angeles' },
];

export const SANDBOX_CHANNELS: readonly SandboxChannel[] = [
  { id: 'C0GENERAL', name: 'general', topic: 'Try `/mlops help` here' },
  { id: 'C0FRAUD', name: 'fraud-detection', topic: 'Card-fraud model: intake, runs, gates, drift' },
  { id: 'C0CHURN', name: 'churn-ml', topic: 'A second project channel' },
];

/** Who "Load example" casts as owner, data scientist and stakeholders, and where. */
export const EXAMPLE_CAST = {
  channel: 'C0FRAUD',
  owner: 'U0ADA',
  scientist: 'U0BEN',
  stakeholders: ['U0CHEN', 'U0DANA', 'U0EMIL'],
} as const;
