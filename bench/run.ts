// `npm run bench [name…]`: runs every benchmark in bench/ (or the named ones), one process each,
// so one benchmark's heap and event loop do not colour the next one's figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const chosen = wanted.length ? all.filter((b) => wanted.includes(b)) : all;
if (chosen.length === 0) {
  console.error(`No benchmark named ${wanted.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.ts`], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
