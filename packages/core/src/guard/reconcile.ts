import { sleep } from '../common/sleep.ts';
import type { BinanceError } from '../errors/BinanceError.ts';
import { BinanceUnknownOutcomeError } from '../errors/classes.ts';
import { isBinanceError } from '../errors/isBinanceError.ts';
import { steadyNow } from '../time/steadyNow.ts';
import type { Described } from './Described.ts';
import type { LedgerEntry } from './OutcomeLedger.ts';
import { clientOrderIdOf } from './requestParams.ts';

/** What reconciling an order placement needs from the guard. */
export interface ReconcileContext<R> {
  /**
   * Sends one signed lookup of the order with these parameters (`symbol`, `origClientOrderId`) to the profile's
   * order lookup endpoint; rejects with a `BinanceError`.
   */
  lookUp(query: URLSearchParams): Promise<R>;
  /** The server clock now, ms since the epoch. */
  serverNow(): number;
  /**
   * A clock wall-clock steps do not move, ms: the wait is measured on it. `serverNow` is the wall clock when the
   * guard's clock is off, and a step back would otherwise stretch the wait by the step. @default steadyNow
   */
  steadyNow?: (() => number) | undefined;
  /** How far off `serverNow` may be either way, ms. */
  uncertaintyMs: number;
  /** Longest wait for the order's recvWindow to pass, ms of real time. */
  maxWaitMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Looks up an order placement whose outcome is unknown by its client order id. Found → resolves with the order.
 * Not found proves nothing while the request may still arrive late and execute: Binance accepts it until its
 * `timestamp + recvWindow` on the server clock. So "not placed" is concluded only from a lookup made after that
 * moment, waiting for it within `maxWaitMs`; past `maxWaitMs` the original unknown-outcome error stands. Whether
 * that moment has passed is read on the server clock; how long to wait for it is a duration, slept on the steady
 * clock, so a step of the clock `serverNow` reads cannot stretch the wait beyond `maxWaitMs`.
 */
export async function reconcile<R>(
  req: Pick<Described, 'query' | 'body' | 'expiresAt' | 'label'>,
  original: BinanceError,
  context: ReconcileContext<R>,
): Promise<R> {
  const clientOrderId = clientOrderIdOf(req);
  const symbol = req.query.get('symbol') ?? new URLSearchParams(req.body ?? '').get('symbol');
  if (!clientOrderId || !symbol || req.expiresAt === undefined) throw original;
  const query = new URLSearchParams({ symbol, origClientOrderId: clientOrderId });
  const { serverNow } = context;
  const steady = context.steadyNow ?? steadyNow;
  // The clock may be off by its uncertainty either way; the extra ms covers the server's whole-ms rounding.
  const expiresAt = req.expiresAt + context.uncertaintyMs + 1;
  const giveUpAt = steady() + context.maxWaitMs;
  for (;;) {
    const lookedUpAt = serverNow();
    try {
      return await context.lookUp(query);
    } catch (error) {
      if (!isBinanceError(error) || error.category !== 'not-found') throw original;
    }
    if (lookedUpAt >= expiresAt) break;
    // The deadline on the server clock, as a duration from now: the wait is slept on the steady clock.
    const wakeAt = steady() + (expiresAt - serverNow());
    if (wakeAt > giveUpAt) throw original;
    // A timer can fire a few ms early (it counts from the event loop's cached time): sleep on rather than spend
    // another lookup that could not yet conclude anything.
    while (steady() < wakeAt) {
      await sleep(Math.max(1, Math.ceil(wakeAt - steady())), context.signal).catch(() => {
        throw original;
      });
    }
  }
  throw new BinanceUnknownOutcomeError({
    message: `Binance ${req.label} ended in "${original.message}"; reconciled: no order with clientOrderId ${clientOrderId} exists on ${symbol} after its recvWindow ended, so it was not placed.`,
    code: original.code,
    msg: original.msg,
    status: original.status,
    executed: 'no',
    retryable: false,
    hint: 'The order was not placed, and can no longer be (its timestamp + recvWindow has passed on the server clock): it is safe to send it again with a new client order id.',
    data: { reconciliation: { clientOrderId, symbol, found: false } },
    request: original.request,
    cause: original,
  });
}

/**
 * Answers, without sending anything, a request identical to one whose outcome is unknown (`prior`): by looking the
 * order up when `reconcileOrder` is given (reconcile is on, the order has a client order id and the guard can sign),
 * else with a `BinanceUnknownOutcomeError`.
 *
 * @param reconcileOrder Reconciles `req` as sent the first time, with `prior`'s client order id.
 */
export async function answerResend<R>(
  req: Described,
  prior: LedgerEntry,
  reconcileOrder: ((req: Described, original: BinanceError) => Promise<R>) | undefined,
): Promise<R> {
  const original = prior.error!;
  if (reconcileOrder && prior.clientOrderId !== undefined) {
    req.query.set('newClientOrderId', prior.clientOrderId);
    // The lookup may conclude "not placed" only once the first send can no longer execute.
    if (prior.executableUntil !== undefined) req.expiresAt = prior.executableUntil;
    return await reconcileOrder(req, original);
  }
  throw new BinanceUnknownOutcomeError({
    message:
      `Binance ${req.label} was not sent again: the same request ended ${Math.round(prior.ageMs())} ms ago ` +
      `in "${original.message}", and it may have executed.`,
    executed: 'unknown',
    retryable: false,
    hint:
      'Query the order (or enable `reconcile`) before sending it again. To place a new, identical order on ' +
      'purpose, give it its own newClientOrderId.',
    request: original.request,
    cause: original,
  });
}
