import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './support/readmeCli.ts';

const DOCS = 'https://binance-errors.github.io/binance-errors/';
const REPO = 'https://github.com/binance-errors/binance-errors';
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'package.json')),
);

interface Packed {
  name: string;
  files: Array<{ path: string }>;
}

/** What `npm pack` would put in the tarball, read from the same dry run a publish would make. */
function pack(dir: string): Packed {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  return (JSON.parse(out) as Packed[])[0] as Packed;
}

describe.each(packages)('the published @binance-errors/%s', (name) => {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

  it('packs a README, the LICENSE and its entry points', { timeout: 30_000 }, () => {
    const packed = pack(dir);
    const files = packed.files.map((f) => f.path);
    expect(packed.name).toBe(`@binance-errors/${name}`);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    for (const bin of Object.values<string>(manifest.bin ?? {})) {
      expect(files).toContain(bin.replace(/^\.\//, ''));
      // A command whose file only a build writes is not linked by an install that runs before the build: npx then
      // asks the registry for a package of that name instead.
      expect(
        () => execFileSync('git', ['ls-files', '--error-unmatch', bin], { cwd: dir, stdio: 'ignore' }),
        bin,
      ).not.toThrow();
    }
  });

  it('says where it comes from: repository, homepage, bugs and keywords', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: `packages/${name}` });
    expect(manifest.homepage).toMatch(new RegExp(`^${DOCS}`));
    expect(manifest.bugs).toEqual({ url: `${REPO}/issues` });
    expect(manifest.keywords).toEqual(expect.arrayContaining(['binance']));
    expect(manifest.license).toBe('MIT');
  });

  it('has a README that stands on its own on npm: what it is, install, an example, the docs', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme.startsWith(`# @binance-errors/${name}\n\n`)).toBe(true);
    expect(readme).toMatch(new RegExp(`^npm (i|install)( -D)? @binance-errors/${name}\\b`, 'm'));
    const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(examples.some((code) => code.includes(`from '@binance-errors/${name}'`))).toBe(true);
    expect(readme).toContain(`](${DOCS}`);
    // npm shows the README without the repository around it: a relative link there leads nowhere.
    const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
    expect(links.filter((link) => !/^https:\/\//.test(link))).toEqual([]);
    for (const link of links.filter((l) => l.startsWith(`${DOCS}guide/`))) {
      expect(existsSync(join(root, 'docs', `${link.slice(DOCS.length)}.md`)), link).toBe(true);
    }
  });
});
