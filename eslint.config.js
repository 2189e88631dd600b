import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ (README "Architecture"): an import may only point down. Each entry forbids the
 * folders a layer may not reach, matched on the import path. Type-only imports are held to the
 * same rule except where `types` says otherwise.
 */
const folder = (name) => `(^|/)${name}/`;
const pattern = (message) => (f) =>
  typeof f === 'string'
    ? { regex: folder(f), message: `${message} src/${f}/.` }
    : { regex: f.regex, message: `${message} ${f.label}.`, ...(f.allowTypeImports ? { allowTypeImports: true } : {}) };
const layer = (files, forbidden, message) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: forbidden.map(pattern(message)) }] },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The sandbox page: browser ES modules served as they are, no bundler. Only the browser globals the page uses.
  {
    files: ['src/sandbox/page/static/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'history', 'console', 'fetch', 'EventSource', 'FormData', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'localStorage', 'addEventListener', 'removeEventListener', 'Element'].map((g) => [g, 'readonly']),
      ),
    },
  },
  // Edges parse, call one verb and reply: no rows, no mechanisms, no emulator.
  layer(['src/slack/**/*.ts', 'src/api/**/*.ts'], ['db', 'jobs', 'sandbox'], 'Edges (src/slack, src/api) call verbs in src/services; they do not reach'),
  // Verbs may use messages, domain, db, llm and charts, never the edges or the mechanisms above them.
  layer(['src/services/**/*.ts'], ['slack', 'api', 'jobs', 'sandbox'], 'Verbs (src/services) sit below the edges and the job mechanisms; they may not import'),
  // Mechanisms run verbs through the registry; they do not render or parse Slack payloads.
  layer(['src/jobs/**/*.ts'], ['slack', 'api', 'messages', 'sandbox'], 'Job mechanisms (src/jobs) run verbs; they may not import'),
  // Messages are pure functions of data.
  layer(
    ['src/messages/**/*.ts'],
    ['db', 'services', 'slack', 'api', 'jobs', 'sandbox', 'llm', 'charts', { regex: '^@slack/(bolt|web-api)$', label: '@slack/bolt or @slack/web-api' }],
    'Messages (src/messages) are pure Block Kit builders of plain data (types from @slack/types); they may not import',
  ),
  // Rules are pure: the shared enums, and the LLM's interface as a type (answers are read through it).
  layer(
    ['src/domain/**/*.ts'],
    ['db', 'services', 'slack', 'api', 'jobs', 'messages', 'sandbox', 'charts', { regex: folder('llm'), label: 'src/llm/ (except its types)', allowTypeImports: true }, { regex: '^@slack/', label: 'Slack packages' }, { regex: '^drizzle-orm', label: 'drizzle' }],
    'Rules (src/domain) are pure; they may import only src/shared (and the LLM interface as a type), not',
  ),
  // Rows know nothing above them.
  layer(['src/db/**/*.ts'], ['domain', 'services', 'messages', 'slack', 'api', 'jobs', 'sandbox', 'llm', 'charts'], 'Rows (src/db) sit at the bottom with src/shared; they may not import'),
  // Leaves and the shared enums import nothing of the app above them.
  layer(
    ['src/shared/**/*.ts', 'src/llm/**/*.ts', 'src/charts/**/*.ts', 'src/logger.ts', 'src/slack-library-logger.ts', 'src/clock.ts', 'src/app-metrics.ts'],
    ['db', 'domain', 'services', 'messages', 'slack', 'api', 'jobs', 'sandbox'],
    'Leaves (src/shared, src/llm, src/charts, logger, clock, app-metrics) import nothing of the app above them, not',
  ),
  // The emulator plays Slack: it may use the Slack edge's public signing, nothing of the app's internals.
  layer(['src/sandbox/**/*.ts'], ['db', 'domain', 'services', 'messages', 'api', 'jobs', { regex: folder('slack/listeners'), label: 'src/slack/listeners/' }], 'The sandbox emulator may import only src/slack/signing, not'),
);
