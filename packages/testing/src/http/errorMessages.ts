import errors from '@binance-errors/core/data/errors.json' with { type: 'json' };
import usdmErrors from '@binance-errors/core/data/usdm/errors.json' with { type: 'json' };
import { MSG } from './messages.ts';

function firstMessages(list: readonly { code: number; messages: string[] }[]): Map<number, string> {
  const byCode = new Map<number, string>();
  for (const e of list) {
    const first = e.messages[0];
    if (first !== undefined) byCode.set(e.code, first);
  }
  return byCode;
}

const byProduct = {
  spot: firstMessages(errors as { code: number; messages: string[] }[]),
  usdm: firstMessages(usdmErrors.errors),
};

/** The documented message of a Binance error code (the first its errors.json lists), for faults that name only a code. */
export function messageFor(code: number, product: 'spot' | 'usdm' = 'spot'): string {
  return byProduct[product].get(code) ?? MSG.unknown;
}
