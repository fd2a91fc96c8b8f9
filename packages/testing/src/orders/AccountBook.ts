import type { Credential } from '../auth/Credential.ts';
import { credentialOf } from '../auth/Credential.ts';
import type { FakeAccount } from '../auth/FakeAccount.ts';
import { formatUnits, toUnits } from '../params/Decimal.ts';
import type { FakeBalance, OrderSide, OrderStatus, OrderType, TimeInForce } from './FakeOrder.ts';

/** An order's mutable state, quantities in 1e-8 units. */
export interface OrderState {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  orderId: number;
  clientOrderId: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Limit price; 0 for MARKET. */
  price: bigint;
  origQty: bigint;
  executedQty: bigint;
  cumQuote: bigint;
  origQuoteOrderQty: bigint;
  status: OrderStatus;
  time: number;
  updateTime: number;
}

/** A fill, quantities in 1e-8 units. */
export interface TradeState {
  symbol: string;
  id: number;
  orderId: number;
  price: bigint;
  qty: bigint;
  quoteQty: bigint;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

interface Holding {
  free: bigint;
  locked: bigint;
}

/** One account: its credential, balances, orders and fills. */
export class AccountBook {
  readonly apiKey: string;
  readonly credential: Credential;
  private readonly initialBalances: ReadonlyMap<string, bigint>;
  private readonly holdings = new Map<string, Holding>();
  readonly orders = new Map<number, OrderState>();
  /** Open orders by client order id: a second NEW order with the same id is a duplicate. */
  readonly openByClientId = new Map<string, OrderState>();
  /** Latest order per client order id, for queries by origClientOrderId. */
  readonly byClientId = new Map<string, OrderState>();
  readonly trades: TradeState[] = [];

  constructor(account: FakeAccount, where: string) {
    if (typeof account.apiKey !== 'string' || account.apiKey === '' || /[\s\p{Cc}]/u.test(account.apiKey)) {
      throw new TypeError(
        `${where}.apiKey must be a non-empty string without whitespace, got ${JSON.stringify(account.apiKey)}`,
      );
    }
    this.apiKey = account.apiKey;
    this.credential = credentialOf(account, where);
    const initial = new Map<string, bigint>();
    for (const [asset, amount] of Object.entries(account.balances ?? {})) {
      const units = toUnits(amount);
      if (units === undefined) {
        throw new TypeError(`${where}.balances.${asset} must be a decimal string with up to 8 decimals, got ${amount}`);
      }
      initial.set(asset, units);
    }
    this.initialBalances = initial;
    this.reset();
  }

  /** Back to the configured balances, with no orders or fills. */
  reset(): void {
    this.holdings.clear();
    for (const [asset, free] of this.initialBalances) this.holdings.set(asset, { free, locked: 0n });
    this.orders.clear();
    this.openByClientId.clear();
    this.byClientId.clear();
    this.trades.length = 0;
  }

  /** The holding of `asset`, created at zero. */
  holding(asset: string): Holding {
    let h = this.holdings.get(asset);
    if (!h) {
      h = { free: 0n, locked: 0n };
      this.holdings.set(asset, h);
    }
    return h;
  }

  /** Free amount of `asset`, in 1e-8 units. */
  free(asset: string): bigint {
    return this.holdings.get(asset)?.free ?? 0n;
  }

  /** Balances as decimal strings. */
  balances(): Record<string, FakeBalance> {
    const out: Record<string, FakeBalance> = {};
    for (const [asset, h] of this.holdings) out[asset] = { free: formatUnits(h.free), locked: formatUnits(h.locked) };
    return out;
  }

  /** Orders that are still working. */
  openOrders(symbol?: string): OrderState[] {
    return [...this.openByClientId.values()].filter((o) => symbol === undefined || o.symbol === symbol);
  }
}
