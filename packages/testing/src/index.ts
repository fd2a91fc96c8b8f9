export { DEFAULT_RECV_WINDOW_MS, MAX_RECV_WINDOW_MS } from './auth/checkTimestamp.ts';
export type { FakeAccount } from './auth/FakeAccount.ts';
export { createFakeExchange } from './createFakeExchange.ts';
export type { FakeExchange } from './FakeExchange.ts';
export type {
  FaultHandle,
  FaultKind,
  FaultMatch,
  FaultOptions,
  FaultRequest,
  FaultSpec,
  PlacedOption,
} from './faults/Fault.ts';
export type { PositionSide } from './futures/FuturesOrder.ts';
export { type BanPolicy, DEFAULT_BAN_POLICY } from './limits/BanPolicy.ts';
export {
  DEFAULT_RATE_LIMITS,
  type FakeRateLimit,
  type RateLimit,
  type RateLimitInterval,
  type RateLimitType,
  type RateLimitUsage,
  USDM_RATE_LIMITS,
} from './limits/RateLimit.ts';
export type { ClientStanding } from './limits/RateLimiter.ts';
export type { RequestFilter, RequestLogEntry } from './log/RequestLogEntry.ts';
export { DEFAULT_SYMBOLS, type FakeSymbol, USDM_SYMBOLS } from './market/FakeSymbol.ts';
export type { FakeExchangeOptions } from './options/FakeExchangeOptions.ts';
export type {
  FakeBalance,
  FakeOrder,
  FakeTrade,
  OrderSide,
  OrderStatus,
  OrderType,
  TimeInForce,
} from './orders/FakeOrder.ts';
export type { Params } from './params/Params.ts';
export type { EndpointSpec, WeightRule } from './weights/EndpointSpec.ts';
