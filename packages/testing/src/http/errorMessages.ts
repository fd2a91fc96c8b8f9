import errors from '@binance-errors/core/data/errors.json' with { type: 'json' };
import { MSG } from './messages.ts';

const byCode = new Map<number, string>();
for (const e of errors as { code: number; messages: string[] }[]) {
  const first = e.messages[0];
  if (first !== undefined) byCode.set(e.code, first);
}

/** The documented message of a Binance error code (the first of errors.json), for faults that name only a code. */
export function messageFor(code: number): string {
  return byCode.get(code) ?? MSG.unknown;
}
