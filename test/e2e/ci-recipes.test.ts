import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runs } from '../../src/db/schema/index.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { projectWithTargets, tokenFor } from '../helpers/runs.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'clients/ci/mlops-log-run.sh');

interface Shell {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs shell text as a CI runner would (POSIX sh, Debian's dash here), in `cwd`, with only `env` and PATH. */
function sh(script: string, env: Record<string, string>, cwd: string): Promise<Shell> {
  return new Promise((resolve) => {
    execFile('sh', ['-e', '-c', script], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** GitHub's `${{ inputs.x }}` expressions in a composite step's env, resolved as the runner would. */
function resolveInputs(env: Record<string, string>, inputs: Record<string, string>, defaults: Record<string, { default?: string }>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, name: string) => inputs[name] ?? defaults[name]?.default ?? '')]),
  );
}

describe('CI recipes: the GitHub action and the GitLab job log runs as written', () => {
  let h: Harness;
  let token: string;
  let projectId: number;
  let work: string;

  const projectRuns = async () => h.database.db.select().from(runs).where(eq(runs.projectId, projectId));

  beforeAll(async () => {
    h = await bootApp('pglite');
    projectId = (await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'churn-model', channelId: 'C0CHURN', ownerId: 'U0OWNER', now: h.clock.now(), phase: 'development' })).id;
    token = (await tokenFor(h, 'U0OWNER', 'C0CHURN', 'churn-model')).token;
    work = mkdtempSync(path.join(tmpdir(), 'mlops-ci-'));
    writeFileSync(path.join(work, 'metrics.txt'), '# written by train.py\nauc=0.912 val/loss=0.31\nf1=8.1e-1\n');
  }, 60_000);
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await h?.close();
  });

  describe('GitHub Actions composite action', () => {
    const action = parse(readFileSync(path.join(ROOT, 'clients/github-action/action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string; required?: boolean }>;
      runs: { using: string; steps: { shell: string; env: Record<string, string>; run: string }[] };
    };
    const step = action.runs.steps[0]!;
    const github = {
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: '4f2c9e1d0b7a6c5e4d3f2a1b0c9d8e7f6a5b4c3d',
      GITHUB_REF_NAME: '42/merge',
      GITHUB_HEAD_REF: 'feature/better-features',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/churn',
      GITHUB_RUN_ID: '9876543210',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'train',
      GITHUB_ACTION_PATH: path.join(ROOT, 'clients/github-action'),
    };
    const note = 'nightly "retrain" with $(touch pwned) and `id`, tab\there; ✓';
    // The inputs a workflow would pass (`with:`), the URL and token known once the app runs.
    const inputs = () => ({ project: 'churn-model', metrics: 'precision=0.88', 'metrics-file': 'metrics.txt', params: 'lr=0.01 layers=4', name: 'nightly-42', note, 'mlops-url': h.app.url, 'mlops-token': token });

    it('is a composite action whose one step runs the CI script with the inputs as environment variables', () => {
      expect(action.runs.using).toBe('composite');
      expect(step.shell).toBe('sh');
      expect(step.run).toContain('$GITHUB_ACTION_PATH/../ci/mlops-log-run.sh');
      // Inputs only through env: an input pasted into the script would run a note's $(…) as code.
      expect(step.run).not.toMatch(/\$\{\{/);
      for (const [name, spec] of Object.entries(action.inputs)) if (spec.required) expect(Object.values(step.env).join(' ')).toContain(`inputs.${name}`);
    });

    it("logs the run with GitHub's commit, branch and a link to the workflow run, and the note as text", async () => {
      const env = { ...resolveInputs(step.env, inputs(), action.inputs), ...github };
      const out = await sh(step.run, env, work);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const printed = JSON.parse(out.stdout) as { id: number; name: string };
      expect(printed.name).toBe('nightly-42');
      const [run] = await projectRuns();
      expect(run).toMatchObject({
        name: 'nightly-42',
        metrics: { precision: 0.88, auc: 0.912, 'val/loss': 0.31, f1: 0.81 },
        params: { lr: '0.01', layers: '4' },
        commitSha: github.GITHUB_SHA,
        url: 'https://github.com/acme/churn/actions/runs/9876543210',
        tags: { branch: 'feature/better-features' },
        note,
        idempotencyKey: 'github-9876543210-1-train',
      });
      expect(existsSync(path.join(work, 'pwned'))).toBe(false);
    });

    it('run again in the same attempt, returns the same run instead of logging a second', async () => {
      const env = { ...resolveInputs(step.env, inputs(), action.inputs), ...github };
      const before = await projectRuns();
      const out = await sh(step.run, env, work);
      expect(out.code).toBe(0);
      expect((JSON.parse(out.stdout) as { id: number }).id).toBe(before[0]!.id);
      expect(await projectRuns()).toHaveLength(before.length);
    });
  });

  describe('GitLab CI job template', () => {
    const template = parse(readFileSync(path.join(ROOT, 'clients/gitlab/mlops-log-run.gitlab-ci.yml'), 'utf8')) as Record<string, { variables: Record<string, string>; script: string[] }>;
    const job = template['.mlops-log-run']!;

    it("fetches the script from the app and logs the run with GitLab's commit, branch and job link", async () => {
      const gitlab = { GITLAB_CI: 'true', CI_COMMIT_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', CI_COMMIT_REF_NAME: 'main', CI_JOB_ID: '555001', CI_JOB_URL: 'https://gitlab.example.com/acme/churn/-/jobs/555001' };
      const env = { ...job.variables, ...gitlab, MLOPS_URL: `${h.app.url}/`, MLOPS_TOKEN: token, MLOPS_PROJECT: 'churn-model' };
      // A GitLab runner runs the lines in one shell and stops at the first that fails.
      const out = await sh(job.script.join('\n'), env, work);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const run = (await projectRuns()).find((r) => r.idempotencyKey === 'gitlab-555001');
      expect(run).toMatchObject({ metrics: { auc: 0.912, 'val/loss': 0.31, f1: 0.81 }, commitSha: gitlab.CI_COMMIT_SHA, url: gitlab.CI_JOB_URL, tags: { branch: 'main' } });
    });

    it('gets the same script from the app as the repository holds', async () => {
      const res = await fetch(`${h.app.url}/ci/mlops-log-run.sh`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(readFileSync(SCRIPT, 'utf8'));
    });
  });

  describe('the script refuses bad input with a message and logs nothing', () => {
    const base = () => ({ MLOPS_URL: h.app.url, MLOPS_TOKEN: token });
    const cases: [string, string[], Record<string, string>, number, RegExp][] = [
      ['a metric that is not a number', ['churn-model', 'auc=high'], {}, 2, /metric auc: "high" is not a number/],
      ['no metric at all', ['churn-model', '--name', 'x'], {}, 2, /at least one metric/],
      ['a slug with a path in it', ['../admin', 'auc=1'], {}, 2, /not a project slug/],
      ['a param without =', ['churn-model', 'auc=1', '--param', 'lr'], {}, 2, /--param takes key=value/],
      ['an unknown option', ['churn-model', 'auc=1', '--metric', 'x'], {}, 2, /unknown option --metric/],
      ['no token', ['churn-model', 'auc=1'], { MLOPS_TOKEN: '' }, 2, /set MLOPS_TOKEN/],
      ['a wrong token (the API says 401)', ['churn-model', 'auc=1'], { MLOPS_TOKEN: 'mlops_nope' }, 1, /answered 401/],
      ["a metric name the API refuses (its field named)", ['churn-model', 'a b=1'], {}, 1, /answered 400: .*"field":"metrics\.a b"/],
      ['a url that is not http(s)', ['churn-model', 'auc=1', '--url', 'javascript:alert(1)'], {}, 1, /answered 400: .*"field":"url"/],
    ];
    it.each(cases)('%s', async (_what, args, env, code, message) => {
      const before = (await projectRuns()).length;
      const out = await sh(`sh ${JSON.stringify(SCRIPT)} "$@"`.replace('"$@"', args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')), { ...base(), ...env }, work);
      expect(out.code).toBe(code);
      expect(out.stderr).toMatch(message);
      expect(out.stdout).toBe('');
      expect((await projectRuns()).length).toBe(before);
    });
  });
});
