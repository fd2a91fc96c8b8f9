// Writes the API reference's landing page (docs/api/index.md, over TypeDoc's bare list of modules): one line per
// package, in the order a user meets them, each with its package.json description. Runs after TypeDoc.
// Run: node docs/scripts/api-landing.ts   (npm run docs:generate does this)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(docs, '..');

/** The published packages, adapters first: the order of the README's table. */
export const API_PACKAGES = ['axios', 'ky', 'got', 'core', 'testing', 'redis'] as const;

/** The landing page's markdown. */
export function apiLanding(): string {
  const lines = API_PACKAGES.map((name) => {
    const { description } = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as {
      description: string;
    };
    return `- [\`@binance-errors/${name}\`](./@binance-errors/${name}/) — ${description}`;
  });
  return `# API reference

One line per package. Each adapter re-exports everything from \`@binance-errors/core\`, so the core's pages describe
the errors, \`classify()\` and the guard options whichever client you use.

${lines.join('\n')}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const api = join(docs, 'api');
  const missing = API_PACKAGES.filter((name) => !existsSync(join(api, '@binance-errors', name, 'index.md')));
  if (missing.length) throw new Error(`docs: TypeDoc wrote no pages for ${missing.join(', ')}; run it first`);
  writeFileSync(join(api, 'index.md'), apiLanding());
  console.log(`docs: wrote the API landing page for ${API_PACKAGES.length} packages`);
}
