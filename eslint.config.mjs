/**
 * ESLint: import cycles, the layering of ../docs/architecture.md, and a few correctness rules.
 * Not a style ruleset. `npm test -- lint` runs it; test/lint/layers.test.ts shows the rules bite.
 *
 * Layers (imports point down only):
 *   shells   collections, site, components, app, server, cli, seed
 *   engine   jobs → delivery → channels; readership
 *   kernel   model, content, subscribers, grids, store, templates, i18n, tokens, lib, checks
 */
import importX from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import tseslint from 'typescript-eslint'

import noCycle from './eslint/no-cycle.mjs'

const src = (...dirs) => dirs.map((d) => `./src/${d}`)

/** Our own modules that are not the kernel: the engine and the shells. */
const ENGINE = src('jobs', 'delivery', 'readership')
const SHELLS = src('collections', 'hooks', 'site', 'components', 'app', 'server', 'cli', 'seed', 'globals', 'payload.config.ts')
/** server/env.ts is the settings module, which every layer may read (smsEnv.ts its SMS part, channelSettings.ts each channel's credentials); server/secret.ts is its file-backed part (the session secret). */
const SETTINGS = ['./env.ts', './smsEnv.ts', './channelSettings.ts', './secret.ts']
/** A shell zone: the settings module and the page cache stay open to all. */
/* site/cache.ts, the page cache on globalThis, imports nothing: a domain read may be cached through it. */
const OPEN = { './src/server': SETTINGS, './src/site': ['./cache.ts'] }
const shells = (list, message, target) => list.map((from) => (OPEN[from] ? { target, from, except: OPEN[from], message } : { target, from, message }))

const zones = [
  {
    target: './src/model',
    from: './src',
    except: ['./model', './i18n'],
    message: 'src/model is a leaf: it imports nothing of ours but i18n.',
  },
  ...shells([...ENGINE, ...SHELLS, ...src('store', 'access', 'fields')], 'A channel is a plain client of its own library: no Payload, no engine, no shell.', './src/channels'),
  {
    target: ENGINE,
    from: './src/site',
    message: 'Delivery, readership and jobs import the domain (content, subscribers, grids), never site/.',
  },
  ...shells([...ENGINE, ...SHELLS, ...src('store', 'access', 'fields')], 'Templates are pure functions of content: no Payload, no database, no engine.', './src/templates'),
  ...[
    { from: src('delivery', 'readership', 'channels', 'payload.config.ts') },
    // The engine registry (a leaf on globalThis) is how a config reaches the engine.
    { from: './src/jobs', except: ['./nudge.ts'] },
    // The page cache's invalidation hook lives on globalThis and imports nothing: allowed.
    { from: './src/site', except: ['./cache.ts'] },
    { from: './src/server', except: [...SETTINGS, './clientAddress.ts'] },
  ].map((z) => ({
    target: src('collections', 'globals'),
    ...z,
    message: 'A collection config imports hooks, fields, access, model and endpoint handlers only; it reaches the engine through the registry (jobs/nudge.ts).',
  })),
  {
    target: './src/hooks',
    from: src('jobs/scheduler.ts', 'jobs/runner.ts', 'jobs/periodic.ts', 'delivery/pipeline.ts'),
    message: 'A hook writes rows and calls nudge() (src/jobs/nudge.ts); it never imports the scheduler or the pipeline.',
  },
  // A content save drops the cached pages made from it (hooks/pageCache.ts); the rest of site/ is the web layer.
  ...shells(['./src/site'], 'A hook never imports the web layer (site/), only its page cache.', './src/hooks'),
  ...shells(
    [...ENGINE, ...SHELLS],
    'The kernel imports nothing above it (engine or shells).',
    src('model', 'content', 'subscribers', 'grids', 'store', 'i18n', 'tokens.ts', 'lib', 'checks'),
  ),
]

/** Packages a pure layer must not import (Payload, databases). */
const IMPURE = ['payload', 'payload/*', '@payloadcms/*', 'mongodb', 'mongoose', '@libsql/*', 'drizzle-orm', 'drizzle-orm/*']

/** IMPURE as one pattern, less the rich-text converters' two entry points (pure functions of Lexical JSON). */
const PURE_TEMPLATE_IMPORTS_ONLY = '^(?:payload(?:/.*)?|mongodb|mongoose|@libsql/.*|drizzle-orm(?:/.*)?|@payloadcms/(?!richtext-lexical/(?:html|plaintext)$).*)$'

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'src/migrations/**', 'src/app/(payload)/admin/importMap.js', 'src/payload-types.ts', 'test/lint/fixtures/**', 'test-results/**'] },
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
    plugins: { 'import-x': importX, 'street-news': { rules: { 'no-cycle': noCycle } } },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // cycles and layering
      'street-news/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-self-import': 'error',
      // correctness
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-dupe-else-if': 'error',
      'no-duplicate-case': 'error',
      'no-self-assign': 'error',
      'no-self-compare': 'error',
      'no-unreachable': 'error',
      'no-unsafe-finally': 'error',
      'no-cond-assign': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src/channels/**', 'src/model/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: IMPURE, message: 'A pure layer: no Payload, no database driver.' }] }] },
  },
  {
    // Templates render rich text through Payload's Lexical converters: those two entry points are pure
    // functions of the stored JSON (no Payload instance, no database); everything else of Payload stays out.
    files: ['src/templates/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: PURE_TEMPLATE_IMPORTS_ONLY, message: 'A pure layer: no Payload, no database driver (only the Lexical converters of @payloadcms/richtext-lexical/html and /plaintext).' }] },
      ],
    },
  },
)
