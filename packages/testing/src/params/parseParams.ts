import { ApiError } from '../http/ApiError.ts';
import { MSG } from '../http/messages.ts';
import { emptyParams, type Params } from './Params.ts';

const NEEDS_DECODING = /[%+]/;

function decode(text: string): string {
  if (!NEEDS_DECODING.test(text)) return text;
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function parseInto(raw: string, out: Params, skip: ReadonlySet<string> | undefined): void {
  if (raw === '') return;
  const seen = new Set<string>();
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    if (seen.has(key)) throw ApiError.bad(-1101, MSG.duplicateParam);
    seen.add(key);
    if (skip === undefined || !skip.has(key)) out[key] = value;
  }
}

/** Parsed parameters, or the error their encoding earned (reported after the weight is charged). */
export interface ParsedParams {
  params: Params;
  error: ApiError | undefined;
}

/**
 * Merges the query string and an x-www-form-urlencoded body (the query wins on duplicates).
 * The same name twice within one of them is -1101; a broken percent-escape is -1100.
 */
export function parseParams(rawQuery: string, rawBody: string): ParsedParams {
  const params = emptyParams();
  try {
    parseInto(rawQuery, params, undefined);
    if (rawBody !== '') {
      parseInto(rawBody, params, new Set(Object.keys(params)));
    }
    return { params, error: undefined };
  } catch (e) {
    const error = e instanceof ApiError ? e : ApiError.bad(-1100, MSG.illegalChars);
    return { params, error };
  }
}
