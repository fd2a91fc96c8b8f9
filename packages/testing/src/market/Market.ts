import { ApiError } from '../http/ApiError.ts';
import { filterFailure, illegalChars, MSG } from '../http/messages.ts';
import { formatUnits, mulUnits, toUnits } from '../params/Decimal.ts';
import type { FakeSymbol } from './FakeSymbol.ts';

/** A symbol with its decimals parsed to 1e-8 units. */
export interface SymbolState {
  readonly info: FakeSymbol;
  price: bigint;
  readonly minPrice: bigint;
  readonly maxPrice: bigint;
  readonly tickSize: bigint;
  readonly minQty: bigint;
  readonly maxQty: bigint;
  readonly stepSize: bigint;
  readonly minNotional: bigint;
  readonly maxNotional: bigint;
}

const SYMBOLS_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';

function units(s: FakeSymbol, field: keyof FakeSymbol): bigint {
  const u = toUnits(s[field]);
  if (u === undefined) throw new TypeError(`symbols: ${s.symbol}.${field} must be a decimal string, got ${s[field]}`);
  return u;
}

/** The fake's symbols: lookup, last prices, and the PRICE_FILTER / LOT_SIZE / NOTIONAL checks. */
export class Market {
  private readonly bySymbol = new Map<string, SymbolState>();
  private readonly initialPrices = new Map<string, bigint>();

  constructor(symbols: readonly FakeSymbol[]) {
    for (const s of symbols) {
      const state: SymbolState = {
        info: s,
        price: units(s, 'price'),
        minPrice: units(s, 'minPrice'),
        maxPrice: units(s, 'maxPrice'),
        tickSize: units(s, 'tickSize'),
        minQty: units(s, 'minQty'),
        maxQty: units(s, 'maxQty'),
        stepSize: units(s, 'stepSize'),
        minNotional: units(s, 'minNotional'),
        maxNotional: units(s, 'maxNotional'),
      };
      if (state.tickSize === 0n || state.stepSize === 0n) {
        throw new RangeError(`symbols: ${s.symbol} tickSize and stepSize must be > 0`);
      }
      this.bySymbol.set(s.symbol, state);
      this.initialPrices.set(s.symbol, state.price);
    }
  }

  /** The symbol, or a -1121 Invalid symbol. */
  require(symbol: string): SymbolState {
    const s = this.bySymbol.get(symbol);
    if (!s) throw ApiError.bad(-1121, MSG.invalidSymbol);
    return s;
  }

  /** The symbol, or undefined. */
  get(symbol: string): SymbolState | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Every symbol, in configuration order. */
  all(): IterableIterator<SymbolState> {
    return this.bySymbol.values();
  }

  /**
   * The symbols a `symbol=` / `symbols=[..]` request names, or every symbol when it names none. Errors as the
   * exchange answers them: -1128 for both, -1100 for a malformed list, -1151 for duplicates, -1121 for unknown.
   */
  select(symbol: string | undefined, symbols: string | undefined): { list: SymbolState[]; single: boolean } {
    if (symbol !== undefined && symbols !== undefined) throw ApiError.bad(-1128, MSG.badOptionalCombo);
    if (symbol !== undefined) return { list: [this.require(symbol)], single: true };
    if (symbols === undefined) return { list: [...this.bySymbol.values()], single: false };
    let names: unknown;
    try {
      names = JSON.parse(symbols);
    } catch {
      names = undefined;
    }
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
      throw ApiError.bad(-1100, illegalChars('symbols', SYMBOLS_RANGE));
    }
    if (new Set(names).size !== names.length) throw ApiError.bad(-1151, MSG.duplicateSymbols);
    return { list: (names as string[]).map((n) => this.require(n)), single: false };
  }

  /** Sets a symbol's last price (a decimal string). */
  setPrice(symbol: string, price: string): SymbolState {
    const s = this.bySymbol.get(symbol);
    if (!s) throw new RangeError(`setPrice: unknown symbol ${symbol}`);
    const p = toUnits(price);
    if (p === undefined || p === 0n)
      throw new RangeError(`setPrice: price must be a positive decimal string, got ${price}`);
    s.price = p;
    return s;
  }

  /** Puts every price back to its configured value. */
  resetPrices(): void {
    for (const [symbol, price] of this.initialPrices) this.bySymbol.get(symbol)!.price = price;
  }

  /**
   * Throws -1013 "Filter failure: X" for the first filter the order breaks, in the exchange's order:
   * PRICE_FILTER (orders with a price), LOT_SIZE, NOTIONAL (at the order's price, or the last price for MARKET).
   */
  checkFilters(s: SymbolState, price: bigint | undefined, qty: bigint): void {
    if (price !== undefined) {
      const offGrid = (price - s.minPrice) % s.tickSize !== 0n;
      if (price < s.minPrice || (s.maxPrice > 0n && price > s.maxPrice) || offGrid) {
        throw ApiError.bad(-1013, filterFailure('PRICE_FILTER'));
      }
    }
    if (qty < s.minQty || qty > s.maxQty || (qty - s.minQty) % s.stepSize !== 0n) {
      throw ApiError.bad(-1013, filterFailure('LOT_SIZE'));
    }
    const notional = mulUnits(price ?? s.price, qty);
    if (notional < s.minNotional || notional > s.maxNotional) throw ApiError.bad(-1013, filterFailure('NOTIONAL'));
  }

  /** The symbol's PRICE_FILTER and LOT_SIZE as `exchangeInfo` writes them (the same on Spot and futures). */
  static priceAndLotFilters(s: SymbolState): Record<string, unknown>[] {
    return [
      {
        filterType: 'PRICE_FILTER',
        minPrice: formatUnits(s.minPrice),
        maxPrice: formatUnits(s.maxPrice),
        tickSize: formatUnits(s.tickSize),
      },
      {
        filterType: 'LOT_SIZE',
        minQty: formatUnits(s.minQty),
        maxQty: formatUnits(s.maxQty),
        stepSize: formatUnits(s.stepSize),
      },
    ];
  }

  /** The symbol as `exchangeInfo.symbols[]` describes it. */
  static describe(s: SymbolState): Record<string, unknown> {
    const i = s.info;
    return {
      symbol: i.symbol,
      status: 'TRADING',
      baseAsset: i.baseAsset,
      baseAssetPrecision: 8,
      quoteAsset: i.quoteAsset,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
      icebergAllowed: false,
      ocoAllowed: false,
      otoAllowed: false,
      opoAllowed: false,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: false,
      cancelReplaceAllowed: true,
      amendAllowed: false,
      pegInstructionsAllowed: false,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        ...Market.priceAndLotFilters(s),
        {
          filterType: 'NOTIONAL',
          minNotional: formatUnits(s.minNotional),
          applyMinToMarket: true,
          maxNotional: formatUnits(s.maxNotional),
          applyMaxToMarket: false,
          avgPriceMins: 5,
        },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH', 'DECREMENT'],
    };
  }
}
