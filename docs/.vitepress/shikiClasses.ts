import type { MarkdownOptions } from 'vitepress';

type ShikiTransformer = NonNullable<MarkdownOptions['codeTransformers']>[number];

/**
 * The colour pairs (light theme, dark theme) that github-light/github-dark give TypeScript tokens, each with a short
 * class. Highlighted code otherwise repeats `style="--shiki-light:#24292E;--shiki-dark:#E1E4E8;"` on every token:
 * about half of an error page's weight, twice (in the HTML and in the page's script).
 */
const CLASSES = new Map([
  ['--shiki-light:#24292E;--shiki-dark:#E1E4E8', 'sh-text'],
  ['--shiki-light:#D73A49;--shiki-dark:#F97583', 'sh-keyword'],
  ['--shiki-light:#032F62;--shiki-dark:#9ECBFF', 'sh-string'],
  ['--shiki-light:#6F42C1;--shiki-dark:#B392F0', 'sh-function'],
  ['--shiki-light:#005CC5;--shiki-dark:#79B8FF', 'sh-constant'],
  ['--shiki-light:#6A737D;--shiki-dark:#6A737D', 'sh-comment'],
  ['--shiki-light:#E36209;--shiki-dark:#FFAB70', 'sh-parameter'],
]);

/** Replaces a token's inline colour style by its class; any other style stays inline, so nothing loses colour. */
export const colorClasses: ShikiTransformer = {
  name: 'binance-errors:color-classes',
  span(node) {
    const style = node.properties.style;
    const name = typeof style === 'string' ? CLASSES.get(style.replace(/;$/, '')) : undefined;
    if (name === undefined) return;
    delete node.properties.style;
    this.addClassToHast(node, name);
  },
};

/** The CSS for {@link colorClasses} (in every page's head): each class sets the variables VitePress colors tokens with. */
export function colorClassesCss(): string {
  return [...CLASSES].map(([style, name]) => `.${name} { ${style.replaceAll(';', '; ')}; }`).join('\n');
}
