import { describe, expect, it } from 'vitest';
import { checkSnippets, collectSnippets, extractTs } from '../scripts/check-snippets.ts';

describe('extractTs', () => {
  it('takes ts blocks with labels and attributes, and nothing else', () => {
    const md = [
      '```ts [axios]',
      'const a = 1;',
      '```',
      '```sh',
      'npm i',
      '```',
      '  ```ts {2}',
      '  const b = 2;',
      '  ```',
    ];
    expect(extractTs(md.join('\n'), 'x.md')).toEqual([
      { origin: 'x.md:1', code: 'const a = 1;' },
      { origin: 'x.md:7', code: 'const b = 2;' },
    ]);
  });
});

describe('docs code samples', () => {
  it('include the hand-written guides and every generated client × category snippet', () => {
    const origins = collectSnippets().map((s) => s.origin);
    expect(origins.some((o) => o.startsWith('guide/axios.md'))).toBe(true);
    for (const pkg of ['core', 'axios', 'ky', 'got', 'redis', 'testing'])
      expect(origins.some((o) => o.startsWith(`../packages/${pkg}/README.md:`))).toBe(true);
    expect(origins).toContain('snippet(ky, timestamp)');
    expect(origins).toContain('snippet(got, partial)');
  });

  it('type-check against the packages', () => {
    const result = checkSnippets();
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });
});
