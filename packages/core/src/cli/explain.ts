import { styleText } from 'node:util';
import { classify } from '../classify/classify.ts';
import type { BinanceError } from '../errors/BinanceError.ts';
import type { ApiProduct } from '../profiles/ApiProfile.ts';
import { profiles } from '../profiles/profileForOrigin.ts';
import { readResponse } from './readResponse.ts';

/** What {@link explainInput} needs besides the text. */
export interface ExplainOptions {
  /** HTTP status of the response the pasted body came with. */
  status?: number | undefined;
  /** Base URL of the documentation site that `docsUrl` points into. */
  docsBaseUrl?: string | undefined;
  /** Which Binance API's codes and messages to read it with. @default 'spot' */
  product?: ApiProduct | undefined;
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
  /** The API it was read as. */
  product: ApiProduct;
}

/**
 * Explains what the user pasted — a code (`-1021` or `1021`), an HTTP status (`429`), a server message, a JSON
 * error body, an HTML page or the whole output of `curl -i` — the way `classify()` reads it. Returns `undefined`
 * when nothing about it is recognised.
 */
export function explainInput(text: string, options: ExplainOptions = {}): Explained | undefined {
  const product = options.product ?? 'spot';
  const { catalog } = profiles[product];
  const base = { product, ...(options.docsBaseUrl === undefined ? {} : { docsBaseUrl: options.docsBaseUrl }) };
  const explained = (error: BinanceError, hasBody: boolean): Explained => ({ error, hasBody, product });
  const pasted = readResponse(text);
  const input = pasted.body.trim();
  const status = options.status ?? pasted.status;
  if (/^-?\d+$/.test(input) && status === undefined) {
    const n = Number(input);
    if (!input.startsWith('-') && n >= MIN_STATUS && n <= MAX_STATUS)
      return explained(classify({ ...base, status: n }), false);
    const entry = catalog.lookupCode(-Math.abs(n));
    if (!entry) return undefined;
    return explained(classify({ ...base, body: { code: entry.code, msg: entry.messages[0] } }), false);
  }
  // A message whose meaning depends on its status (a futures 503 text), pasted as plain text.
  const said = catalog.statusMessages.find((s) => catalog.lookupStatusMessage(status ?? s.status, input) === s);
  if (said) {
    const err = classify({ ...base, status: status ?? said.status, headers: pasted.headers, body: { msg: input } });
    return explained(err, true);
  }
  if (input.startsWith('{') || input.startsWith('<') || status !== undefined) {
    const err = classify({
      ...base,
      status: status ?? statusOfPage(input),
      headers: pasted.headers,
      body: input,
    });
    const known = err.category !== 'unknown' || err.code !== undefined || input.startsWith('<');
    return known ? explained(err, input !== '') : undefined;
  }
  const entry = catalog.lookupMessage(input);
  return entry ? explained(classify({ ...base, body: { code: entry.code, msg: input } }), true) : undefined;
}

/** Error pages from nginx and CDNs lead their title or heading with the status ("403 Forbidden", "403 ERROR"). */
function statusOfPage(body: string): number | undefined {
  const status = body.startsWith('<') ? HEADING.exec(body)?.[1] : undefined;
  return status === undefined ? undefined : Number(status);
}

/** Formats an explanation for a terminal; colours only when `color` is true. */
export function formatExplanation({ error: err, hasBody, product }: Explained, color: boolean): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const entry = err.code === undefined ? undefined : profiles[product].catalog.lookupCode(err.code);
  const rows: Array<[string, string]> = [];
  if (product !== 'spot') rows.push(['product', profiles[product].title]);
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
