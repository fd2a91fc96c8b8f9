import { styleText } from 'node:util';
import { lookupCode, lookupMessage } from '../catalog/catalog.ts';
import { classify } from '../classify/classify.ts';
import type { BinanceError } from '../errors/BinanceError.ts';

/**
 * Explains what the user pasted — a code (`-1021` or `1021`), a server message, or a JSON error body — as the
 * classifier sees it. Returns `undefined` when nothing about it is recognised.
 */
export function explainInput(text: string, docsBaseUrl?: string): BinanceError | undefined {
  const input = text.trim();
  const base = docsBaseUrl === undefined ? {} : { docsBaseUrl };
  if (/^-?\d{4}$/.test(input)) {
    const code = -Math.abs(Number(input));
    const entry = lookupCode(code);
    return entry ? classify({ ...base, body: { code, msg: entry.messages[0] } }) : undefined;
  }
  if (input.startsWith('{')) {
    const err = classify({ ...base, body: input });
    return err.category === 'unknown' && err.code === undefined ? undefined : err;
  }
  const entry = lookupMessage(input);
  if (!entry) return undefined;
  return classify({ ...base, body: { code: entry.code, msg: input } });
}

/** Formats an explanation for a terminal; colours only when `color` is true. */
export function formatExplanation(err: BinanceError, color: boolean): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const entry = err.code === undefined ? undefined : lookupCode(err.code);
  const rows: Array<[string, string]> = [
    ['code', err.code === undefined ? '-' : `${err.code}${entry ? ` ${entry.name}` : ''}`],
    ['class', err.name],
    ['category', err.category],
    ['retryable', err.retryable ? 'yes' : entry?.retryable === 'idempotent' ? 'only reads (GET)' : 'no'],
    ['executed', err.executed],
  ];
  if (err.msg !== undefined) rows.splice(1, 0, ['message', err.msg]);
  if (err.filter) rows.push(['filter', err.filter]);
  if (err.reason) rows.push(['reason', err.reason]);
  if (entry && entry.messages.length > 1)
    rows.push(['also sent as', entry.messages.filter((m) => m !== err.msg).join('\n  ')]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${paint('dim', k.padEnd(width))}  ${v}`);
  lines.push(
    '',
    `${paint('bold', 'What to do:')} ${err.hint}`,
    `${paint('dim', 'Docs:')} ${paint('cyan', err.docsUrl)}`,
  );
  return lines.join('\n');
}
