import type { MarkdownOptions } from 'vitepress';

type MarkdownIt = Parameters<NonNullable<MarkdownOptions['config']>>[0];
type Token = ReturnType<MarkdownIt['parse']>[number];

/** Columns from which a table is read as labelled cards on a phone (see custom.css): B1's figures have seventeen. */
export const WIDE_TABLE_COLUMNS = 7;

/**
 * Gives each body cell of a table of {@link WIDE_TABLE_COLUMNS} or more columns its column's header as `data-label`,
 * so that a phone shows each row as a card of labelled figures instead of a grid wrapped a character per line.
 * (VitePress renders `<table>` itself, without a token's attributes: the cells are what custom.css finds.)
 */
export function wideTables(md: MarkdownIt): void {
  md.core.ruler.push('wide_tables', (state) => {
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.type !== 'table_open') continue;
      const labels: string[] = [];
      let j = i + 1;
      for (; tokens[j]!.type !== 'thead_close'; j++) {
        if (tokens[j]!.type === 'th_open') labels.push(plainText(tokens[j + 1]!));
      }
      if (labels.length < WIDE_TABLE_COLUMNS) continue;
      let column = 0;
      for (; tokens[j]!.type !== 'table_close'; j++) {
        const token = tokens[j]!;
        if (token.type === 'tr_open') column = 0;
        else if (token.type === 'td_open') token.attrSet('data-label', labels[column++] ?? '');
      }
      i = j;
    }
  });
}

/** A header's text as a reader sees it: its words and code, without the marks around them (`, **, \\|). */
function plainText(inline: Token): string {
  return (inline.children ?? [])
    .filter((t) => t.type === 'text' || t.type === 'code_inline')
    .map((t) => t.content)
    .join('');
}
