import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Env, loadConfig } from '../src/config.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

/** KEY=value lines of a dotenv file (comments and blanks skipped). */
function dotenv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('deployment files (no Docker engine here: they are checked against the code instead)', () => {
  it('.env.example names every setting the app reads, and nothing else, and loads as it is', () => {
    const example = dotenv(read('.env.example'));
    expect(Object.keys(example).sort()).toEqual(Object.keys(Env.shape).sort());
    // Copied as is, it starts the sandbox on PGlite: every value it ships with is valid.
    expect(loadConfig(example).slack).toEqual({ kind: 'sandbox' });
  });

  it('the Dockerfile starts the app as the tests and npm start do, as a non-root user, with what it reads at run time', () => {
    const dockerfile = read('Dockerfile');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('exec node dist/main.js');
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    // Everything the app resolves from the repository root at run time is copied in, and exists.
    for (const dir of ['migrations', 'clients', 'src/sandbox/page/static']) {
      expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
      expect(existsSync(path.join(ROOT, dir))).toBe(true);
    }
  });

  it('compose.yaml runs the app against PostgreSQL 15 once the database is healthy', () => {
    const compose = parse(read('compose.yaml')) as { services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: unknown }> };
    const { app, db } = compose.services;
    expect(app!.build).toBe('.');
    expect(db!.image).toBe('postgres:15');
    expect(db!.healthcheck).toBeDefined();
    expect(app!.depends_on?.db?.condition).toBe('service_healthy');
    const env = db!.environment!;
    expect(app!.environment!.DATABASE_URL).toBe(`postgres://${env.POSTGRES_USER}:${env.POSTGRES_PASSWORD}@db:5432/${env.POSTGRES_DB}`);
    expect(loadConfig(app!.environment!).databaseUrl).toBe(app!.environment!.DATABASE_URL);
  });
});
