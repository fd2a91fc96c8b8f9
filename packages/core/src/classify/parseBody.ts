import { redactText } from '../errors/redact.ts';

/** What a response body turned out to be. */
export type ParsedBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  /** `countryBlock`: the page says the service refuses the request's country or region (a CDN geo-block). */
  | { kind: 'html'; title: string | undefined; countryBlock: boolean }
  | { kind: 'text'; text: string }
  /** JSON cut short (a proxy, a reset): whatever `code`/`msg` could be read from its head. */
  | { kind: 'truncated'; code: number | undefined; msg: string | undefined };

// Binance error bodies are tiny; past this size we only read the head instead of parsing everything.
const MAX_PARSE_BYTES = 1 << 20;
const HEAD_BYTES = 4096;
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Turns a string, bytes or an already-parsed value into a {@link ParsedBody}. Never throws. Text is cleared of
 * `secrets` (see `redactText`) before any part of it is cut out: a secret cut in two would no longer be found whole.
 */
export function parseBody(body: unknown, secrets: readonly string[] = []): ParsedBody {
  if (body === undefined || body === null) return { kind: 'empty' };
  if (typeof body === 'string') return parseText(cleared(body, secrets));
  if (body instanceof Uint8Array) {
    const head = body.byteLength > MAX_PARSE_BYTES ? body.subarray(0, HEAD_BYTES) : body;
    return parseText(cleared(decoder.decode(head), secrets), body.byteLength > MAX_PARSE_BYTES);
  }
  if (body instanceof ArrayBuffer) return parseBody(new Uint8Array(body), secrets);
  if (typeof body === 'object') return { kind: 'json', value: body };
  return { kind: 'text', text: cleared(String(body), secrets) };
}

/** `text` without `secrets`; left as it is without any (the error redacts the patterns of secrets later, cut or not). */
function cleared(text: string, secrets: readonly string[]): string {
  return secrets.length > 0 ? redactText(text, secrets) : text;
}

function parseText(text: string, cut = text.length > MAX_PARSE_BYTES): ParsedBody {
  const start = firstNonSpace(text);
  if (start === -1) return { kind: 'empty' };
  const first = text.charCodeAt(start);
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    if (!cut) {
      try {
        return { kind: 'json', value: JSON.parse(text) };
      } catch {
        // Fall through: a body cut mid-way still usually carries code and msg in its head.
      }
    }
    return readHead(text.slice(start, start + HEAD_BYTES));
  }
  if (first === 0x3c /* < */) {
    const head = text.slice(start, start + HEAD_BYTES);
    return { kind: 'html', title: htmlTitle(head), countryBlock: COUNTRY_BLOCK.test(head) };
  }
  return { kind: 'text', text: text.slice(start, start + 512).trim() };
}

function firstNonSpace(text: string): number {
  const limit = Math.min(text.length, 256);
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xfeff) return i;
  }
  return text.length === 0 || limit === text.length ? -1 : 0;
}

const HEAD_CODE = /"code"\s*:\s*(-?\d{1,7})\b/;
const HEAD_MSG = /"msg"\s*:\s*"((?:[^"\\]|\\.){0,512})"/;

function readHead(head: string): ParsedBody {
  const code = HEAD_CODE.exec(head)?.[1];
  const msg = HEAD_MSG.exec(head)?.[1];
  let text: string | undefined;
  if (msg !== undefined) {
    try {
      text = JSON.parse(`"${msg}"`) as string;
    } catch {
      text = msg;
    }
  }
  return { kind: 'truncated', code: code === undefined ? undefined : Number(code), msg: text };
}

// CloudFront's geo-restriction page: "…configured to block access from your country."
const COUNTRY_BLOCK = /block(?:ed)? access from your (?:country|region)|restricted (?:location|jurisdiction)/i;

const TITLE = /<title[^>]*>([^<]{0,200})<\/title>|<h[12][^>]*>([^<]{0,200})<\/h[12]>/i;

function htmlTitle(head: string): string | undefined {
  const match = TITLE.exec(head);
  const title = (match?.[1] ?? match?.[2])?.replace(/\s+/g, ' ').trim();
  return title ? title : undefined;
}
