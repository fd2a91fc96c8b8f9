import { ApiError } from '../http/ApiError.ts';
import { MSG } from '../http/messages.ts';
import { USDM_MSG } from '../http/usdmMessages.ts';
import type { Market } from '../market/Market.ts';
import type { AccountBook } from '../orders/AccountBook.ts';
import type { OrderRef } from '../orders/MatchingEngine.ts';
import { mulUnits } from '../params/Decimal.ts';
import { abs, FuturesAccount } from './FuturesAccount.ts';
import type { FuturesModify, FuturesOrderState, NewFuturesOrder, PositionSide } from './FuturesOrder.ts';

/**
 * The fake's USDⓈ-M Futures matching: USDT-margined positions per account, in one-way or hedge mode, with
 * leverage. MARKET orders and marketable LIMIT orders fill at once at the last price; other LIMIT orders rest until
 * {@link FuturesEngine.onPriceChange} reaches them. New exposure needs initial margin (notional ÷ leverage) out of
 * what the wallet, unrealized profit and other margin leave (-2019); reduce-only orders need a position to reduce
 * (-2022). The fake charges no fees and never liquidates.
 */
export class FuturesEngine {
  private readonly market: Market;
  private readonly clientOrderId: () => string;
  private readonly accounts = new Map<string, FuturesAccount>();
  private nextOrderId = 1;

  constructor(market: Market, clientOrderId: () => string) {
    this.market = market;
    this.clientOrderId = clientOrderId;
  }

  /** Forgets every account's futures state; each starts again from its configured USDT balance. */
  reset(): void {
    this.accounts.clear();
    this.nextOrderId = 1;
  }

  /** The account's futures state, opened with its USDT balance as the wallet. */
  account(book: AccountBook): FuturesAccount {
    let a = this.accounts.get(book.apiKey);
    if (!a) {
      a = new FuturesAccount(book.free('USDT'));
      this.accounts.set(book.apiKey, a);
    }
    return a;
  }

  /** The last price of `symbol`, which the fake also uses as its mark price. */
  readonly markOf = (symbol: string): bigint => this.market.get(symbol)?.price ?? 0n;

  /** Places an order, or throws the exchange's rejection. Returns the order as it stands after matching. */
  place(book: AccountBook, req: NewFuturesOrder, t: number): FuturesOrderState {
    const a = this.account(book);
    if (a.dualSide !== (req.positionSide !== 'BOTH')) throw ApiError.bad(-4061, USDM_MSG.positionSideMismatch);
    const clientOrderId = req.newClientOrderId ?? this.clientOrderId();
    if (a.openByClientId.has(clientOrderId)) throw ApiError.bad(-4116, USDM_MSG.duplicateClientOrderId);
    const last = this.markOf(req.symbol);
    const crosses = req.type === 'MARKET' || (req.side === 'BUY' ? req.price! >= last : req.price! <= last);
    if (crosses && req.timeInForce === 'GTX') throw ApiError.bad(-5022, USDM_MSG.gtxRejected);
    if (!crosses && req.timeInForce === 'FOK') throw ApiError.bad(-5021, USDM_MSG.fokRejected);

    const closesOnly =
      req.reduceOnly ||
      (req.positionSide === 'LONG' && req.side === 'SELL') ||
      (req.positionSide === 'SHORT' && req.side === 'BUY');
    const price = req.type === 'MARKET' ? last : req.price!;
    this.checkExposure(a, { ...req, reduceOnly: closesOnly }, req.quantity, price, 0n);

    const order: FuturesOrderState = {
      symbol: req.symbol,
      orderId: this.nextOrderId++,
      clientOrderId,
      side: req.side,
      positionSide: req.positionSide,
      type: req.type,
      timeInForce: req.timeInForce,
      price: req.price ?? 0n,
      origQty: req.quantity,
      executedQty: 0n,
      cumQuote: 0n,
      reduceOnly: closesOnly,
      status: 'NEW',
      time: t,
      updateTime: t,
    };
    a.orders.set(order.orderId, order);
    a.byClientId.set(clientOrderId, order);
    if (crosses) this.fill(a, order, last, t);
    else if (req.timeInForce === 'IOC') order.status = 'EXPIRED';
    else a.openByClientId.set(clientOrderId, order);
    return order;
  }

  /** Finds an order of the account on `symbol` by id or client id. */
  find(book: AccountBook, symbol: string, ref: OrderRef): FuturesOrderState | undefined {
    const a = this.account(book);
    const o = ref.orderId !== undefined ? a.orders.get(ref.orderId) : a.byClientId.get(ref.origClientOrderId!);
    return o !== undefined && o.symbol === symbol ? o : undefined;
  }

  /** Cancels an open order, or throws -2011 "Unknown order sent." */
  cancel(book: AccountBook, symbol: string, ref: OrderRef, t: number): FuturesOrderState {
    const o = this.find(book, symbol, ref);
    if (o?.status !== 'NEW') throw ApiError.bad(-2011, USDM_MSG.unknownOrder);
    o.status = 'CANCELED';
    o.updateTime = t;
    this.account(book).openByClientId.delete(o.clientOrderId);
    return o;
  }

  /**
   * Moves a resting LIMIT order to a new price and quantity, as PUT /fapi/v1/order does: -2013 unless the order is
   * open on `change.side`, -5027 when neither changes, then the reduce-only (-2022) and margin (-2019) rules of a new
   * order, with the margin the order already holds counted as free. A GTX order that would now take is cancelled;
   * any other that reaches the last price fills there. Only LIMIT orders rest here, and they fill whole, so neither
   * -5025 nor the cancel of a partly filled order cut below its fill can arise.
   */
  modify(book: AccountBook, ref: OrderRef, change: FuturesModify, t: number): FuturesOrderState {
    const a = this.account(book);
    const o = this.find(book, change.symbol, ref);
    if (o?.status !== 'NEW' || o.side !== change.side) throw ApiError.bad(-2013, MSG.noSuchOrder);
    if (o.price === change.price && o.origQty === change.quantity) throw ApiError.bad(-5027, USDM_MSG.sameOrder);
    this.checkExposure(a, o, change.quantity, change.price, a.orderMargin(o));
    o.price = change.price;
    o.origQty = change.quantity;
    o.updateTime = t;
    const last = this.markOf(o.symbol);
    if (o.side === 'BUY' ? o.price >= last : o.price <= last) {
      a.openByClientId.delete(o.clientOrderId);
      if (o.timeInForce === 'GTX') o.status = 'CANCELED';
      else this.fill(a, o, last, t);
    }
    return o;
  }

  /** Cancels every open order of the account on `symbol`. */
  cancelAll(book: AccountBook, symbol: string, t: number): void {
    for (const o of this.account(book).openOrders(symbol)) {
      this.cancel(book, symbol, { orderId: o.orderId, origClientOrderId: undefined }, t);
    }
  }

  /**
   * -2022 when an order that may only close (`reduceOnly` as the order records it) is larger than the position it
   * closes; -2019 when the rest, new exposure at `price`, needs more margin than is available besides `held`.
   */
  private checkExposure(
    a: FuturesAccount,
    o: Pick<FuturesOrderState, 'symbol' | 'positionSide' | 'side' | 'reduceOnly'>,
    quantity: bigint,
    price: bigint,
    held: bigint,
  ): void {
    const position = a.position(o.symbol, o.positionSide);
    const delta = o.side === 'BUY' ? quantity : -quantity;
    // The part of the order that closes an existing position needs no margin; the rest is new exposure.
    const closing = position.amt !== 0n && position.amt > 0n !== delta > 0n ? minBig(abs(position.amt), quantity) : 0n;
    if (o.reduceOnly && closing < quantity) throw ApiError.bad(-2022, USDM_MSG.reduceOnlyRejected);
    const opening = quantity - closing;
    if (opening > 0n) {
      const needed = mulUnits(price, opening) / BigInt(a.leverageOf(o.symbol));
      if (needed > a.available(this.markOf) + held) throw ApiError.bad(-2019, USDM_MSG.marginInsufficient);
    }
  }

  /** Resting orders on `symbol` that the new last price reaches fill at their own price. */
  onPriceChange(symbol: string, t: number): void {
    const last = this.markOf(symbol);
    for (const a of this.accounts.values()) {
      for (const o of a.openOrders(symbol)) {
        if (o.side === 'BUY' ? last <= o.price : last >= o.price) {
          a.openByClientId.delete(o.clientOrderId);
          this.fill(a, o, o.price, t);
        }
      }
    }
  }

  private fill(a: FuturesAccount, o: FuturesOrderState, price: bigint, t: number): void {
    const p = a.position(o.symbol, o.positionSide);
    let qty = o.origQty;
    const delta = (side: bigint) => (o.side === 'BUY' ? side : -side);
    if (o.reduceOnly) {
      // A resting reduce-only order never flips a position that shrank meanwhile.
      const reducible = p.amt !== 0n && p.amt > 0n !== (o.side === 'BUY') ? abs(p.amt) : 0n;
      qty = minBig(qty, reducible);
      if (qty === 0n) {
        o.status = 'EXPIRED';
        o.updateTime = t;
        return;
      }
    }
    let remaining = qty;
    if (p.amt !== 0n && p.amt > 0n !== (o.side === 'BUY')) {
      const closed = minBig(abs(p.amt), remaining);
      const direction = p.amt > 0n ? 1n : -1n;
      a.wallet += mulUnits(closed * direction, price - p.entryPrice);
      p.amt += delta(closed);
      remaining -= closed;
      if (p.amt === 0n) p.entryPrice = 0n;
    }
    if (remaining > 0n) {
      const size = abs(p.amt);
      p.entryPrice = (p.entryPrice * size + price * remaining) / (size + remaining);
      p.amt += delta(remaining);
    }
    p.updateTime = t;
    o.executedQty = qty;
    o.cumQuote = mulUnits(price, qty);
    o.status = 'FILLED';
    o.updateTime = t;
  }

  /** Changes a symbol's leverage (1–125); -4028 outside that range. */
  setLeverage(book: AccountBook, symbol: string, leverage: number): void {
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) {
      throw ApiError.bad(-4028, USDM_MSG.invalidLeverage);
    }
    this.account(book).leverage.set(symbol, leverage);
  }

  /** Switches between one-way and hedge mode; refused while orders are open or positions held. */
  setDualSide(book: AccountBook, dualSide: boolean): void {
    const a = this.account(book);
    if (a.dualSide === dualSide) throw ApiError.bad(-4059, USDM_MSG.noNeedToChangePositionSide);
    if (a.openByClientId.size > 0) throw ApiError.bad(-4067, USDM_MSG.positionSideChangeOpenOrders);
    for (const p of a.positions.values()) {
      if (p.amt !== 0n) throw ApiError.bad(-4068, USDM_MSG.positionSideChangeQuantity);
    }
    a.dualSide = dualSide;
    a.positions.clear();
  }

  /** Every position side the account can hold on `symbol` in its current mode. */
  sides(book: AccountBook): readonly PositionSide[] {
    return this.account(book).dualSide ? ['LONG', 'SHORT'] : ['BOTH'];
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
