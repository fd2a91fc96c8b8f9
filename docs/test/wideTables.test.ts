import { createMarkdownRenderer } from 'vitepress';
import { describe, expect, it } from 'vitest';
import { WIDE_TABLE_COLUMNS, wideTables } from '../.vitepress/wideTables.ts';

const render = async (markdown: string) =>
  (await createMarkdownRenderer('docs', { config: wideTables })).render(markdown);
const table = (columns: number, header = (i: number) => `h${i}`) =>
  [
    `| ${Array.from({ length: columns }, (_, i) => header(i)).join(' | ')} |`,
    `|${'---|'.repeat(columns)}`,
    `| ${Array.from({ length: columns }, (_, i) => `a${i}`).join(' | ')} |`,
    `| ${Array.from({ length: columns }, (_, i) => `b${i}`).join(' | ')} |`,
  ].join('\n');

describe('wideTables', () => {
  it("labels every body cell of a wide table with its column's header, row after row", async () => {
    const html = await render(table(WIDE_TABLE_COLUMNS));
    for (const row of ['a', 'b']) {
      for (let i = 0; i < WIDE_TABLE_COLUMNS; i++) expect(html).toContain(`<td data-label="h${i}">${row}${i}</td>`);
    }
  });

  it('leaves a narrower table as it is', async () => {
    expect(await render(table(WIDE_TABLE_COLUMNS - 1))).not.toContain('data-label');
  });

  it("labels with a header's text, not its markdown", async () => {
    const html = await render(table(WIDE_TABLE_COLUMNS, (i) => (i === 0 ? '`limit` **used**' : `h${i}`)));
    expect(html).toContain('<td data-label="limit used">a0</td>');
  });
});
