import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root. */
export const root = join(import.meta.dirname, '..', '..');

/** The `npx … binance-errors …` lines of the README's shell blocks, exactly as written there. */
export function readmeCliLines(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) => b.split('\n')).filter((line) => /^npx .*binance-errors explain /.test(line));
}

/**
 * The environment to run those lines in, as a user's shell would be: the repo's Node 24 first on PATH but none of
 * the `node_modules/.bin` folders npm scripts add (npx would find the command there, in any folder), and npm
 * offline, so that a line which would ask the registry for a package fails instead of downloading it.
 */
export function offlineEnv(): NodeJS.ProcessEnv {
  const node = dirname(realpathSync(join(root, 'node_modules', '.bin', 'node')));
  const path = (process.env.PATH ?? '').split(':').filter((dir) => !dir.endsWith(join('node_modules', '.bin')));
  return { ...process.env, PATH: [node, ...path].join(':'), npm_config_offline: 'true', NO_COLOR: '1' };
}
