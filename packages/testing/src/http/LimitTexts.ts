import { ipBanned, MSG, tooManyOrders, tooMuchWeight } from './messages.ts';

/** The texts an API answers limit breaches and overloads with; Spot and USDⓈ-M Futures word them apart. */
export interface LimitTexts {
  /** -1003 on 429: `limit` and `per` are e.g. `6000` and `1 MINUTE`. */
  tooMuchWeight(limit: number, per: string): string;
  /** -1003 on 418: `until` is the ban's end, epoch ms. */
  ipBanned(until: number): string;
  /** -1015 on 429. */
  tooManyOrders(limit: number, per: string): string;
  /** -1008. */
  serverBusy: string;
}

/** Binance Spot's wording. */
export const SPOT_TEXTS: LimitTexts = { tooMuchWeight, ipBanned, tooManyOrders, serverBusy: MSG.serverBusy };
