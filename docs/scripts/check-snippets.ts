// Type-checks the code in the docs: every ```ts block of the hand-written pages, and every snippet the generator
// puts on the error pages (each client × category). They are written as modules to docs/.vitepress/cache/snippets
// and compiled with the repo's strict settings against the packages' sources.
// Run: node --conditions=@binance-errors/source docs/scripts/check-snippets.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BinanceErrorCategory } from '@binance-errors/core';
import { RETRYABILITY } from '../../packages/core/src/catalog/policy.ts';
import { CLIENTS, snippet } from './snippets.ts';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(docs, '..');
export const SNIPPETS_DIR = join(docs, '.vitepress', 'cache', 'snippets');

/** Folders that hold generated pages or no pages at all. */
const SKIP = new Set(['node_modules', '.vitepress', 'errors', 'api', '_generated', 'public', 'scripts', 'test']);

export interface Snippet {
  /** Where it comes from, e.g. `guide/axios.md:42` or `snippet(ky, filter)`. */
  origin: string;
  code: string;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.isDirectory()) return SKIP.has(d.name) ? [] : markdownFiles(join(dir, d.name));
    return d.name.endsWith('.md') ? [join(dir, d.name)] : [];
  });
}

/** The ```ts blocks of a markdown file (```ts, ```ts [label], ```ts {1,3}; not ```ts-vue or other languages). */
export function extractTs(markdown: string, file: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})ts(?:\s.*)?$/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '```'] = open;
    const start = i + 1; // 1-based line of the opening fence
    const body: string[] = [];
    for (i = start; i < lines.length && (lines[i] ?? '').trim() !== fence; i++) {
      body.push((lines[i] ?? '').slice(indent.length));
    }
    out.push({ origin: `${file}:${start}`, code: body.join('\n') });
  }
  return out;
}

/** The READMEs npm shows for each package: their examples are docs too. */
function packageReadmes(): string[] {
  const packages = join(root, 'packages');
  return readdirSync(packages)
    .map((p) => join(packages, p, 'README.md'))
    .filter((file) => existsSync(file));
}

export function collectSnippets(): Snippet[] {
  const fromPages = [...markdownFiles(docs), ...packageReadmes()].flatMap((file) =>
    extractTs(readFileSync(file, 'utf8'), relative(docs, file)),
  );
  const categories = Object.keys(RETRYABILITY) as BinanceErrorCategory[];
  const generated = CLIENTS.flatMap((client) =>
    categories.map((category) => ({ origin: `snippet(${client}, ${category})`, code: snippet(client, category) })),
  );
  return [...fromPages, ...generated];
}

export interface CheckResult {
  ok: boolean;
  snippets: number;
  /** tsc's diagnostics, with each temp file name replaced by where the snippet came from. */
  output: string;
}

export function checkSnippets(): CheckResult {
  const snippets = collectSnippets();
  rmSync(SNIPPETS_DIR, { recursive: true, force: true });
  mkdirSync(SNIPPETS_DIR, { recursive: true });
  const names = new Map<string, string>();
  snippets.forEach((s, i) => {
    const name = `snippet-${String(i).padStart(3, '0')}.ts`;
    names.set(name, s.origin);
    // `export {}` makes each block its own module, so two pages may both declare `api`.
    writeFileSync(join(SNIPPETS_DIR, name), `// ${s.origin}\n${s.code}\nexport {};\n`);
  });
  writeFileSync(
    join(SNIPPETS_DIR, 'tsconfig.json'),
    JSON.stringify({ extends: relative(SNIPPETS_DIR, join(root, 'tsconfig.base.json')), include: ['*.ts'] }, null, 2),
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', SNIPPETS_DIR, '--pretty', 'false'], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`.replace(/snippet-\d{3}\.ts/g, (name) => `${name} (${names.get(name)})`);
  return { ok: run.status === 0, snippets: snippets.length, output };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = checkSnippets();
  if (result.ok) console.log(`docs: ${result.snippets} code samples type-check`);
  else {
    console.error(result.output);
    process.exitCode = 1;
  }
}
