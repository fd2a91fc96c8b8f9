import { mulUnits } from '../params/Decimal.ts';
import type { FuturesOrderState, PositionSide, PositionState } from './FuturesOrder.ts';

/** Leverage of a symbol until the account changes it, as on a new futures account. */
export const DEFAULT_LEVERAGE = 20;

/** One account's futures state: USDT wallet, position mode, leverage, positions and orders. */
export class FuturesAccount {
  /** Wallet balance of the margin asset (USDT), 1e-8 units; realized profit and loss lands here. */
  wallet: bigint;
  /** Hedge mode (`true`) keeps LONG and SHORT positions apart; one-way mode nets them in BOTH. */
  dualSide = false;
  readonly leverage = new Map<string, number>();
  /** Keyed `SYMBOL:POSITIONSIDE`. */
  readonly positions = new Map<string, PositionState>();
  readonly orders = new Map<number, FuturesOrderState>();
  /** Latest order per client order id, for queries by origClientOrderId. */
  readonly byClientId = new Map<string, FuturesOrderState>();
  /** Open orders by client order id: a second open order with the same id is -4116. */
  readonly openByClientId = new Map<string, FuturesOrderState>();

  constructor(wallet: bigint) {
    this.wallet = wallet;
  }

  leverageOf(symbol: string): number {
    return this.leverage.get(symbol) ?? DEFAULT_LEVERAGE;
  }

  position(symbol: string, side: PositionSide): PositionState {
    const key = `${symbol}:${side}`;
    let p = this.positions.get(key);
    if (!p) {
      p = { amt: 0n, entryPrice: 0n, updateTime: 0 };
      this.positions.set(key, p);
    }
    return p;
  }

  openOrders(symbol?: string): FuturesOrderState[] {
    return [...this.openByClientId.values()].filter((o) => symbol === undefined || o.symbol === symbol);
  }

  /** Unrealized profit of every position at `markOf`'s prices. */
  unrealized(markOf: (symbol: string) => bigint): bigint {
    let sum = 0n;
    for (const [key, p] of this.positions) sum += mulUnits(p.amt, markOf(symbolOf(key)) - p.entryPrice);
    return sum;
  }

  /** Initial margin held by positions. */
  positionMargin(markOf: (symbol: string) => bigint): bigint {
    let sum = 0n;
    for (const [key, p] of this.positions) {
      const symbol = symbolOf(key);
      sum += mulUnits(abs(p.amt), markOf(symbol)) / BigInt(this.leverageOf(symbol));
    }
    return sum;
  }

  /** Initial margin held by open orders that add exposure. */
  openOrderMargin(): bigint {
    let sum = 0n;
    for (const o of this.openByClientId.values()) sum += this.orderMargin(o);
    return sum;
  }

  /** Initial margin one open order holds: none when it only reduces exposure. */
  orderMargin(o: FuturesOrderState): bigint {
    return o.reduceOnly ? 0n : mulUnits(o.price, o.origQty - o.executedQty) / BigInt(this.leverageOf(o.symbol));
  }

  /** What is left for new exposure: wallet + unrealized − position margin − open-order margin. */
  available(markOf: (symbol: string) => bigint): bigint {
    return this.wallet + this.unrealized(markOf) - this.positionMargin(markOf) - this.openOrderMargin();
  }
}

function symbolOf(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}

export function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
