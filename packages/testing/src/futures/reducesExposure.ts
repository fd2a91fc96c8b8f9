import type { Params } from '../params/Params.ts';

const ORDER = 'POST /fapi/v1/order';
const BATCH = 'POST /fapi/v1/batchOrders';
const CANCELS = new Set(['DELETE /fapi/v1/order', 'DELETE /fapi/v1/batchOrders', 'DELETE /fapi/v1/allOpenOrders']);

function orderReduces(get: (name: string) => unknown): boolean {
  const flag = (name: string) => String(get(name) ?? '').toLowerCase() === 'true';
  if (flag('closePosition')) return true;
  const positionSide = String(get('positionSide') ?? 'BOTH').toUpperCase();
  const side = String(get('side') ?? '').toUpperCase();
  if (positionSide === 'BOTH') return flag('reduceOnly');
  return (positionSide === 'LONG' && side === 'SELL') || (positionSide === 'SHORT' && side === 'BUY');
}

/**
 * Whether USDⓈ-M Futures serves this request while it sheds load with -1008: cancels, and orders that only reduce
 * exposure — `closePosition=true`, `reduceOnly=true` in one-way mode, LONG+SELL or SHORT+BUY in hedge mode. A batch
 * counts when every order in it does.
 */
export function sparedByOverload(method: string, path: string, params: Params): boolean {
  const key = `${method} ${path}`;
  if (CANCELS.has(key)) return true;
  if (key === ORDER) return orderReduces((name) => params[name]);
  if (key !== BATCH) return false;
  let batch: unknown;
  try {
    batch = JSON.parse(params.batchOrders ?? '');
  } catch {
    return false;
  }
  return (
    Array.isArray(batch) &&
    batch.length > 0 &&
    batch.every(
      (o) => o !== null && typeof o === 'object' && orderReduces((name) => (o as Record<string, unknown>)[name]),
    )
  );
}
