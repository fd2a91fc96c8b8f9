import { styleText } from 'node:util';
import { lookupCode, lookupMessage } from '../catalog/catalog.ts';
import { classify } from '../classify/classify.ts';
import type { BinanceError } from '../errors/BinanceError.ts';
import { readResponse } from './readResponse.ts';

/** What {@link explainInput} needs besides the text. */
export interface ExplainOptions {
  /** HTTP status of the response the pasted body came with. */
  status?: number | undefined;
  /** Base URL of the documentation site that `docsUrl` points into. */
  docsBaseUrl?: string | undefined;
}

// HTTP statuses a Binance request can end in; a bare number in this range is a status, anything else a code.
const MIN_STATUS = 400;
const MAX_STATUS = 599;
const HEADING = /<(?:title|h[12])[^>]*>\s*([45]\d\d)\b/i;

/** What {@link explainInput} made of the input. */
export interface Explained {
  error: BinanceError;
  /** Whether the input carried a body (so `error.message` describes it), not just a code or a status. */
  hasBody: boolean;
}

/**
 * Explains what the user pasted — a code (`-1021` or `1021`), an HTTP status (`429`), a server message, a JSON
 * error body, an HTML page or the whole output of `curl -i` — the way `classify()` reads it. Returns `undefined`
 * when nothing about it is recognised.
 */
export function explainInput(text: string, options: ExplainOptions = {}): Explained | undefined {
  const base = options.docsBaseUrl === undefined ? {} : { docsBaseUrl: options.docsBaseUrl };
  const pasted = readResponse(text);
  const input = pasted.body.trim();
  const status = options.status ?? pasted.status;
  if (/^-?\d+$/.test(input) && status === undefined) {
    const n = Number(input);
    if (!input.startsWith('-') && n >= MIN_STATUS && n <= MAX_STATUS)
      return { error: classify({ ...base, status: n }), hasBody: false };
    const entry = lookupCode(-Math.abs(n));
    if (!entry) return undefined;
    return { error: classify({ ...base, body: { code: entry.code, msg: entry.messages[0] } }), hasBody: false };
  }
  if (input.startsWith('{') || input.startsWith('<') || status !== undefined) {
    const err = classify({
      ...base,
      status: status ?? statusOfPage(input),
      headers: pasted.headers,
      body: input,
    });
    const known = err.category !== 'unknown' || err.code !== undefined || input.startsWith('<');
    return known ? { error: err, hasBody: input !== '' } : undefined;
  }
  const entry = lookupMessage(input);
  return entry ? { error: classify({ ...base, body: { code: entry.code, msg: input } }), hasBody: true } : undefined;
}

/** Error pages from nginx and CDNs lead their title or heading with the status ("403 Forbidden", "403 ERROR"). */
function statusOfPage(body: string): number | undefined {
  const status = body.startsWith('<') ? HEADING.exec(body)?.[1] : undefined;
  return status === undefined ? undefined : Number(status);
}

/** Formats an explanation for a terminal; colours only when `color` is true. */
export function formatExplanation({ error: err, hasBody }: Explained, color: boolean): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const entry = err.code === undefined ? undefined : lookupCode(err.code);
  const rows: Array<[string, string]> = [];
  if (err.status !== undefined) rows.push(['status', `HTTP ${err.status}`]);
  if (err.code !== undefined) rows.push(['code', `${err.code}${entry ? ` ${entry.name}` : ''}`]);
  // Without a Binance message, the error's own message describes the body (an HTML page, plain text).
  if (err.msg !== undefined || hasBody) rows.push(['message', err.msg ?? err.message]);
  rows.push(
    ['class', err.name],
    ['category', err.category],
    ['retryable', err.retryable ? 'yes' : entry?.retryable === 'idempotent' ? 'only reads (GET)' : 'no'],
    ['executed', err.executed],
  );
  if (err.retryAfterMs !== undefined) rows.push(['retry after', `${err.retryAfterMs} ms`]);
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
