import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { profiles } from './profileForOrigin.ts';

const src = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') && !d.name.endsWith('.contract.ts') ? [path] : [];
  });
}

/** The code of a module without its comments (line comments and JSDoc or block comment lines). */
function code(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join('\n');
}

// The docs' "Adding a product" page lists the hand-written ones (the profile file; the data files are not
// code); the generator writes the rest from them. This keeps the list true.
const PRODUCT_FILES = (product: string) => [
  `profiles/${product}.ts`,
  `catalog/${product}.generated.ts`,
  `weights/${product}Endpoints.generated.ts`,
  'profiles/registry.generated.ts',
  'profiles/exports.generated.ts',
  // The CLI's usage shows one example per product besides Spot.
  'cli/main.ts',
];

describe('a product other than Spot', () => {
  it.each(Object.keys(profiles).filter((p) => p !== 'spot'))(
    '%s lives only in the files a new product adds',
    (product) => {
      const mentions = sources(src)
        .filter((file) => new RegExp(`\\b${product}`, 'i').test(code(readFileSync(file, 'utf8'))))
        .map((file) => relative(src, file).replaceAll('\\', '/'))
        .sort();
      expect(mentions.length).toBeGreaterThan(3);
      const outside = mentions.filter((file) => !PRODUCT_FILES(product).includes(file));
      expect(outside).toEqual([]);
    },
  );

  it.each(Object.entries(profiles))('the profile file %s declares its own product', (name, profile) => {
    expect(profile.product).toBe(name);
  });
});
