/**
 * `npm run examples`: packs the packages with `npm pack`, installs each project under examples/ from those tarballs
 * into a temporary folder — as a new user would — and runs it. Exits non-zero if any example fails.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Each example: the workspaces it installs as tarballs, the registry packages it needs, and its entry file. */
export const EXAMPLES: Record<string, { packages: string[]; registry: string[]; entry: string; source?: string }> = {
  'axios-esm': { packages: ['core', 'testing', 'axios'], registry: ['axios@^1'], entry: 'index.mjs' },
  'axios-cjs': { packages: ['core', 'testing', 'axios'], registry: ['axios@^1'], entry: 'index.cjs' },
  'ky-esm': { packages: ['core', 'testing', 'ky'], registry: ['ky@^2'], entry: 'index.mjs' },
  'got-esm': { packages: ['core', 'testing', 'got'], registry: ['got@^16'], entry: 'index.mjs' },
  // The got example again, on the oldest got the adapter supports.
  'got14-esm': { packages: ['core', 'testing', 'got'], registry: ['got@^14'], entry: 'index.mjs', source: 'got-esm' },
};

export interface ExampleResult {
  name: string;
  output: string;
  /** The output of each shell command run in the example's folder after it ran. */
  commands: Record<string, string>;
}

/**
 * Packs, installs and runs every example (or those named); throws with the output of the first that fails.
 * `commands` are shell lines to run in each example's folder afterwards, in the environment `env`.
 */
export function runExamples(
  names = Object.keys(EXAMPLES),
  log: (line: string) => void = () => {},
  commands: { lines: readonly string[]; env?: NodeJS.ProcessEnv } = { lines: [] },
): ExampleResult[] {
  const work = mkdtempSync(join(tmpdir(), 'binance-errors-examples-'));
  try {
    const packages = [...new Set(names.flatMap((n) => EXAMPLES[n]?.packages ?? []))];
    const tarballs = new Map<string, string>();
    for (const pkg of packages) {
      log(`packing @binance-errors/${pkg}`);
      tarballs.set(pkg, packWorkspace(pkg, work));
    }
    const results: ExampleResult[] = [];
    for (const name of names) {
      const spec = EXAMPLES[name];
      if (!spec) throw new Error(`no example named ${name}; known: ${Object.keys(EXAMPLES).join(', ')}`);
      const dir = join(work, name);
      cpSync(join(root, 'examples', spec.source ?? name), dir, { recursive: true });
      log(
        `installing ${name}: ${spec.packages.map((p) => `@binance-errors/${p}`).join(', ')} (tarballs), ${spec.registry.join(', ')}`,
      );
      execFileSync(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          ...spec.packages.map((p) => tarballs.get(p)!),
          ...spec.registry,
        ],
        {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      log(`running ${name}`);
      const output = execFileSync(process.execPath, [spec.entry], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      for (const line of output.trim().split('\n')) log(`  ${name} | ${line}`);
      const ran: Record<string, string> = {};
      for (const line of commands.lines) {
        log(`  ${name} $ ${line}`);
        ran[line] = execFileSync('sh', ['-c', line], { cwd: dir, env: commands.env, encoding: 'utf8' });
      }
      results.push({ name, output, commands: ran });
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Packs the built workspace `packages/<pkg>` into `dest` as a publish would; returns the tarball's path. */
export function packWorkspace(pkg: string, dest: string): string {
  const dir = join(root, 'packages', pkg);
  if (!existsSync(join(dir, 'dist'))) throw new Error(`packages/${pkg}/dist is missing: run \`npm run build\` first`);
  const out = execFileSync('npm', ['pack', '--pack-destination', dest, '--json'], { cwd: dir, encoding: 'utf8' });
  return join(dest, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = runExamples(process.argv.slice(2).length ? process.argv.slice(2) : undefined, (line) =>
    console.log(line),
  );
  console.log(`\n${results.length} examples ran from packed tarballs.`);
}
