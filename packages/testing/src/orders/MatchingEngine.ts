import { ApiError } from '../http/ApiError.ts';
import { MSG } from '../http/messages.ts';
import type { Market, SymbolState } from '../market/Market.ts';
import { mulUnits } from '../params/Decimal.ts';
import type { AccountBook, OrderState, TradeState } from './AccountBook.ts';
import type { NewOrder } from './NewOrder.ts';

/** Identifies an existing order by `orderId` or `origClientOrderId`. */
export interface OrderRef {
  orderId: number | undefined;
  origClientOrderId: string | undefined;
}

/** The outcome of a placement. */
export interface Placement {
  order: OrderState;
  fills: TradeState[];
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A deliberately small matching engine: the symbol's last price stands in for the other side of the book.
 * MARKET orders fill there; LIMIT orders that reach it fill there (taker), others rest NEW with funds locked,
 * and fill at their own price (maker) when {@link onPriceChange} moves the price through them.
 * No partial fills, no commission.
 */
export class MatchingEngine {
  private readonly market: Market;
  private readonly random: () => number;
  private nextOrderId = 1;
  private nextTradeId = 1;
  /** Bumped on every book change; `depth` reports it as lastUpdateId. */
  updateId = 1;

  constructor(market: Market, random: () => number) {
    this.market = market;
    this.random = random;
  }

  /** Forgets id counters (accounts are reset by their owner). */
  reset(): void {
    this.nextOrderId = 1;
    this.nextTradeId = 1;
    this.updateId = 1;
  }

  /** A fresh client order id like the exchange generates (22 characters). */
  clientOrderId(): string {
    let id = '';
    for (let i = 0; i < 22; i++) id += ID_ALPHABET[Math.floor(this.random() * ID_ALPHABET.length)];
    return id;
  }

  private crosses(s: SymbolState, order: { side: string; price: bigint }): boolean {
    return order.side === 'BUY' ? order.price >= s.price : order.price <= s.price;
  }

  /** Places `req` for `book` at server time `t`, or throws -2010 with the engine's reason. */
  place(book: AccountBook, req: NewOrder, t: number): Placement {
    const s = req.symbol;
    const clientOrderId = req.newClientOrderId ?? this.clientOrderId();
    if (book.openByClientId.has(clientOrderId)) throw ApiError.bad(-2010, MSG.duplicateOrder);
    const isMarket = req.type === 'MARKET';
    const limitPrice = req.price ?? 0n;
    const crosses = isMarket || this.crosses(s, { side: req.side, price: limitPrice });
    if (crosses && req.type === 'LIMIT_MAKER') throw ApiError.bad(-2010, MSG.wouldMatchAndTake);
    const { baseAsset, quoteAsset } = s.info;
    // Funds are reserved at the order's own price (the last price for MARKET), as the engine locks before matching.
    const needed = req.side === 'BUY' ? mulUnits(isMarket ? s.price : limitPrice, req.quantity) : req.quantity;
    const payAsset = req.side === 'BUY' ? quoteAsset : baseAsset;
    // IOC/FOK orders that cannot fill now expire without touching funds.
    const expires = !crosses && req.timeInForce !== 'GTC';
    if (!expires && book.free(payAsset) < needed) throw ApiError.bad(-2010, MSG.insufficientBalance);

    const order: OrderState = {
      symbol: s.info.symbol,
      baseAsset,
      quoteAsset,
      orderId: this.nextOrderId++,
      clientOrderId,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      price: limitPrice,
      origQty: req.quantity,
      executedQty: 0n,
      cumQuote: 0n,
      origQuoteOrderQty: req.quoteOrderQty ?? 0n,
      status: expires ? 'EXPIRED' : 'NEW',
      time: t,
      updateTime: t,
    };
    book.orders.set(order.orderId, order);
    book.byClientId.set(clientOrderId, order);
    this.updateId++;
    const fills: TradeState[] = [];
    if (crosses) {
      const quote = mulUnits(s.price, req.quantity);
      const base = book.holding(baseAsset);
      const q = book.holding(quoteAsset);
      if (req.side === 'BUY') {
        q.free -= quote;
        base.free += req.quantity;
      } else {
        base.free -= req.quantity;
        q.free += quote;
      }
      fills.push(this.fill(book, order, s.price, t, false));
    } else if (!expires) {
      const h = book.holding(payAsset);
      h.free -= needed;
      h.locked += needed;
      book.openByClientId.set(clientOrderId, order);
    }
    return { order, fills };
  }

  private fill(book: AccountBook, order: OrderState, price: bigint, t: number, isMaker: boolean): TradeState {
    order.executedQty = order.origQty;
    order.cumQuote = mulUnits(price, order.origQty);
    order.status = 'FILLED';
    order.updateTime = t;
    const trade: TradeState = {
      symbol: order.symbol,
      id: this.nextTradeId++,
      orderId: order.orderId,
      price,
      qty: order.origQty,
      quoteQty: order.cumQuote,
      commissionAsset: order.side === 'BUY' ? order.baseAsset : order.quoteAsset,
      time: t,
      isBuyer: order.side === 'BUY',
      isMaker,
    };
    book.trades.push(trade);
    return trade;
  }

  /** Finds an order of `book` on `symbol` by id or client id, or undefined. */
  find(book: AccountBook, symbol: string, ref: OrderRef): OrderState | undefined {
    const o = ref.orderId !== undefined ? book.orders.get(ref.orderId) : book.byClientId.get(ref.origClientOrderId!);
    if (!o || o.symbol !== symbol) return undefined;
    if (ref.orderId !== undefined && ref.origClientOrderId !== undefined && o.clientOrderId !== ref.origClientOrderId) {
      return undefined;
    }
    return o;
  }

  /** Cancels an open order, unlocking what it reserved, or throws -2011 Unknown order sent. */
  cancel(book: AccountBook, symbol: string, ref: OrderRef, t: number): OrderState {
    const o = this.find(book, symbol, ref);
    if (o?.status !== 'NEW') throw ApiError.bad(-2011, MSG.unknownOrder);
    this.release(book, o);
    o.status = 'CANCELED';
    o.updateTime = t;
    this.updateId++;
    return o;
  }

  private release(book: AccountBook, o: OrderState): void {
    const remaining = o.origQty - o.executedQty;
    const reserved = o.side === 'BUY' ? mulUnits(o.price, remaining) : remaining;
    const h = book.holding(o.side === 'BUY' ? o.quoteAsset : o.baseAsset);
    h.locked -= reserved;
    h.free += reserved;
    book.openByClientId.delete(o.clientOrderId);
  }

  /**
   * Fills every resting order on `symbol` that the new last price reaches, at the order's own price.
   * Calls `onFill(book)` once per filled order (the exchange's unfilled order count drops on a fill).
   */
  onPriceChange(books: Iterable<AccountBook>, symbol: string, t: number, onFill: (book: AccountBook) => void): void {
    const s = this.market.require(symbol);
    for (const book of books) {
      for (const o of book.openOrders(symbol)) {
        if (!this.crosses(s, o)) continue;
        this.release(book, o);
        const base = book.holding(o.baseAsset);
        const quote = book.holding(o.quoteAsset);
        const value = mulUnits(o.price, o.origQty);
        if (o.side === 'BUY') {
          quote.free -= value;
          base.free += o.origQty;
        } else {
          base.free -= o.origQty;
          quote.free += value;
        }
        this.fill(book, o, o.price, t, true);
        this.updateId++;
        onFill(book);
      }
    }
  }
}
