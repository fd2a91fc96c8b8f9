import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import { Listeners } from '../common/Listeners.ts';
import { weakInterval } from '../common/weakInterval.ts';
import { BinanceCircuitOpenError } from '../errors/classes.ts';
import { isBinanceError } from '../errors/isBinanceError.ts';
import { MAX_TIMER_MS } from '../time/limits.ts';
import { steadyNow } from '../time/steadyNow.ts';
import type { Breaker, BreakerState } from './Breaker.ts';

/** Options of {@link OpossumBreaker}. */
export interface OpossumBreakerOptions {
  /**
   * How long the breaker stays open before one probe may pass, in ms; also how long that probe may go unanswered
   * before the breaker opens again. @default 30_000
   */
  resetTimeoutMs?: number | undefined;
  /** Percentage of overload failures, within the rolling window, above which it opens. @default 50 */
  errorThresholdPercentage?: number | undefined;
  /** Attempts within the rolling window before it may open. @default 5 */
  volumeThreshold?: number | undefined;
  /** Length of the rolling window the percentage is computed over, in ms. @default 10_000 */
  rollingCountTimeoutMs?: number | undefined;
  /**
   * Opens at once after this many overload failures in a row, with no other outcome between them. The percentage
   * rule needs the window's earlier successes outnumbered first — seconds into a storm under steady traffic — while
   * a run of -1008s means the exchange is overloaded now. A lone -1008 or two does not open it. `0` turns the rule
   * off. @default 5
   */
  consecutiveFailures?: number | undefined;
  /**
   * Which errors mean "the exchange is overloaded". Only these count as failures; every other outcome —
   * a success, a 4xx business error, a 409 partial success, a -1021 — is an answer, which proves the exchange
   * is processing requests. @default -1008 (`BinanceServerBusyError`)
   */
  tripsOn?: ((error: unknown) => boolean) | undefined;
  /**
   * Local clock for `retryAfterMs`, ms. opossum lets the probe through on a timer, which wall-clock steps do not
   * move, so neither may this clock: on the wall clock, a step back would tell callers to wait the step out.
   * @default steadyNow
   */
  now?: (() => number) | undefined;
}

const OPEN_CODE = 'EOPENBREAKER';
/** Buckets of opossum's rolling window. */
const BUCKETS = 10;

/**
 * The default {@link Breaker}: one opossum 10 circuit breaker for every client's attempts. While it is closed — nearly
 * always — an attempt is not wrapped in opossum's `fire`; its outcome is counted afterwards ({@link record}) through
 * the events opossum's statistics count, so the rolling window, the percentage rule and the transitions stay
 * opossum's. The half-open probe and the refusals while open go through `fire` itself. opossum's own traps are
 * configured away: no timeout (the HTTP client owns timeouts), no fallback (callers must see failures), no capacity
 * limit (its rejections would count as failures).
 *
 * Because opossum counts filtered errors as successes, a business error during the half-open probe closes the
 * breaker — deliberately: any answer other than an overload shows the exchange is processing requests again.
 *
 * opossum waits for the probe's outcome for ever (its own timeout is off), and the HTTP clients have none by default:
 * a probe lost on a dead connection would keep the breaker half-open, refusing everything else, long after the
 * exchange recovered. So a probe with no verdict `resetTimeoutMs` after it left loses its say: the breaker opens
 * again, as if it had failed, and after the next `resetTimeoutMs` another probe goes. The lost request itself stays
 * its caller's — not cancelled, not sent again; an answer that comes late still counts as opossum counts it.
 */
export class OpossumBreaker implements Breaker {
  readonly #breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  readonly #resetTimeoutMs: number;
  readonly #tripsOn: (error: unknown) => boolean;
  readonly #consecutiveFailures: number;
  readonly #now: () => number;
  readonly #changes = new Listeners<{ state: BreakerState; previous: BreakerState }>();
  #state: BreakerState = 'closed';
  #openedAt = 0;
  /** The half-open probe in flight, until its verdict or its bound. */
  #probe: Probe | undefined;
  /** Overload failures in a row since the last other outcome. */
  #run = 0;
  /** Answers {@link record}ed since they were last added to opossum's current bucket. */
  #answers = 0;
  /** Turns opossum's buckets: the answers counted meanwhile go into the bucket they came in first. */
  readonly #rotation = new EventEmitter();
  /** Stops the bucket rotation. */
  readonly #stopRotation: () => void;

  constructor(options: OpossumBreakerOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`breaker options must be an object or false, got ${String(options)}`);
    }
    this.#resetTimeoutMs = delay(options.resetTimeoutMs, 'breaker.resetTimeoutMs', 30_000);
    const threshold = positive(options.errorThresholdPercentage, 'breaker.errorThresholdPercentage', 50);
    if (threshold > 100) throw new RangeError(`breaker.errorThresholdPercentage must be at most 100, got ${threshold}`);
    const volume = count(options.volumeThreshold, 'breaker.volumeThreshold', 5);
    const rolling = delay(options.rollingCountTimeoutMs, 'breaker.rollingCountTimeoutMs', 10_000);
    this.#consecutiveFailures = count(options.consecutiveFailures, 'breaker.consecutiveFailures', 5);
    if (options.tripsOn !== undefined && typeof options.tripsOn !== 'function') {
      throw new TypeError(`breaker.tripsOn must be a function, got ${typeof options.tripsOn}`);
    }
    const tripsOn = options.tripsOn ?? ((error: unknown) => isBinanceError(error, 'server-busy'));
    this.#tripsOn = tripsOn;
    this.#now = options.now ?? steadyNow;
    this.#breaker = new CircuitBreaker((thunk: () => Promise<unknown>) => thunk(), {
      timeout: false,
      resetTimeout: this.#resetTimeoutMs,
      errorThresholdPercentage: threshold,
      volumeThreshold: volume,
      rollingCountTimeout: rolling,
      rollingCountBuckets: BUCKETS,
      rotateBucketController: this.#rotation,
      // Only the counts decide. With percentiles on, opossum sorts every latency in the window each second (its
      // snapshot) and on every failure: at thousands of requests a second, tens of thousands of numbers.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => !tripsOn(error),
    });
    // Weakly held: a breaker dropped without shutdown() (with the guard it belongs to) must be collected, not turn
    // its buckets for the life of the process.
    this.#stopRotation = weakInterval(this, Math.floor(rolling / BUCKETS), OpossumBreaker.#rotate);
    this.#breaker.on('open', () => this.#transition('open'));
    this.#breaker.on('halfOpen', () => this.#transition('half-open'));
    this.#breaker.on('close', () => this.#transition('closed'));
  }

  get state(): BreakerState {
    return this.#state;
  }

  run<T>(fn: () => Promise<T>, options?: { bypass?: boolean | undefined }): Promise<T> {
    if (options?.bypass) return fn();
    if (this.#state !== 'closed') return this.#fire(fn);
    let attempt: Promise<T>;
    try {
      attempt = fn();
    } catch (error) {
      return Promise.reject(error);
    }
    return attempt.then(
      (value) => {
        this.record(false);
        return value;
      },
      async (error: unknown) => {
        await this.record(true, error);
        throw error;
      },
    );
  }

  /**
   * Counts an outcome without opossum's `fire` (a promise, closures and a pass of its checks per request). An answer
   * is one more in a tally that goes into opossum's current bucket as a fire and a success (what `fire` counts for a
   * call that resolved, or failed with an error the filter lets through) before anything reads the counts: before
   * an overload is counted, before a bucket turns, and for {@link stats}. An overload goes through opossum itself,
   * so the rolling window, the percentage rule and the transitions stay opossum's.
   */
  record(failed: boolean, error?: unknown): Promise<void> | undefined {
    if (!failed || !this.#tripsOn(error)) {
      this.#answers++;
      this.#run = 0;
      return undefined;
    }
    return this.#recordOverload(error);
  }

  /**
   * {@link record} of an overload. A function of its own: its closures hold `error`, which would otherwise be kept in
   * a context allocated for every answer `record` counts.
   */
  #recordOverload(error: unknown): Promise<void> {
    this.#addAnswers();
    // opossum counts the overload and opens when its percentage rule says so. If the breaker opened meanwhile, it
    // refuses to count it: an open breaker needs no more failures.
    return this.#breaker
      .fire(() => Promise.reject(error))
      .catch(() => {})
      .then(() => this.#count(error));
  }

  /** Turns opossum's buckets. Static, so that the interval that calls it holds no breaker. */
  static #rotate(breaker: OpossumBreaker): void {
    breaker.#addAnswers();
    breaker.#rotation.emit('rotate');
  }

  /** Adds the answers tallied by {@link record} to opossum's current bucket. */
  #addAnswers(): void {
    const answers = this.#answers;
    if (answers === 0) return;
    this.#answers = 0;
    const bucket = this.#breaker.status.window[0]!;
    bucket.fires += answers;
    bucket.successes += answers;
  }

  /** Runs `fn` through opossum's `fire`: the half-open probe, and refusal while open. */
  async #fire<T>(fn: () => Promise<T>): Promise<T> {
    let probe: Probe | undefined;
    // opossum calls this only for an attempt it lets through; while half-open, that is the one probe.
    const attempt = () => {
      if (this.#breaker.halfOpen) probe = this.#armProbe();
      return fn();
    };
    try {
      const result = (await this.#breaker.fire(attempt)) as T;
      this.#run = 0;
      return result;
    } catch (error) {
      if ((error as { code?: unknown })?.code !== OPEN_CODE) {
        this.#count(error);
        throw error;
      }
      const retryAfterMs = this.retryAfterMs();
      const probing = this.#probe ? ', its probe not answered yet' : '';
      throw new BinanceCircuitOpenError({
        message: `Binance circuit breaker is ${this.#state} after -1008 overloads${probing}; the request was not sent [retry after ${retryAfterMs} ms]`,
        retryAfterMs,
      });
    } finally {
      if (probe) this.#disarmProbe(probe);
    }
  }

  /** Bounds the probe just let through: without a verdict by `resetTimeoutMs`, the breaker opens again. */
  #armProbe(): Probe {
    this.#disarmProbe(this.#probe);
    const probe: Probe = {
      deadline: this.#now() + this.#resetTimeoutMs,
      timer: setTimeout(() => {
        if (this.#probe !== probe) return;
        this.#probe = undefined;
        // Lost: it counts as failed for the state (opossum re-arms its reset timer), not in the rolling window.
        if (this.#breaker.halfOpen) this.#breaker.open();
      }, this.#resetTimeoutMs),
    };
    probe.timer.unref?.();
    this.#probe = probe;
    return probe;
  }

  /** The probe has its verdict, or no longer matters: its bound goes. */
  #disarmProbe(probe: Probe | undefined): void {
    if (!probe || this.#probe !== probe) return;
    clearTimeout(probe.timer);
    this.#probe = undefined;
  }

  /**
   * ms until an open breaker lets a probe through; while half-open with the probe in flight, until the probe's bound
   * (it has answered, and the breaker closed or opened, or it is lost and the breaker opens again); 0 otherwise.
   */
  retryAfterMs(): number {
    if (this.#state === 'open') return this.#msUntil(this.#openedAt + this.#resetTimeoutMs);
    if (this.#state === 'half-open' && this.#probe) return this.#msUntil(this.#probe.deadline);
    return 0;
  }

  /** Whole ms until `time` on the breaker's clock, rounded up (a caller who waits them is not early), or 0. */
  #msUntil(time: number): number {
    return Math.max(0, Math.ceil(time - this.#now()));
  }

  onStateChange(listener: (state: BreakerState, previous: BreakerState) => void): () => void {
    return this.#changes.on(({ state, previous }) => listener(state, previous));
  }

  /** Counts of the rolling window, for snapshots and tests. */
  stats(): { fires: number; failures: number; successes: number; rejects: number } {
    this.#addAnswers();
    const { fires, failures, successes, rejects } = this.#breaker.stats;
    return { fires, failures, successes, rejects };
  }

  shutdown(): void {
    this.#stopRotation();
    this.#disarmProbe(this.#probe);
    this.#breaker.shutdown();
  }

  #count(error: unknown): void {
    if (!this.#tripsOn(error)) {
      this.#run = 0;
      return;
    }
    this.#run++;
    if (this.#consecutiveFailures > 0 && this.#run >= this.#consecutiveFailures && this.#state === 'closed') {
      this.#breaker.open();
    }
  }

  #transition(state: BreakerState): void {
    const previous = this.#state;
    if (state === previous) return;
    if (state === 'open') this.#openedAt = this.#now();
    // Whatever ended the half-open state (the probe's verdict, a late answer, an overload counted meanwhile), the
    // probe's bound no longer applies.
    this.#disarmProbe(this.#probe);
    this.#run = 0;
    this.#state = state;
    this.#changes.emit({ state, previous });
  }
}

/** The half-open probe in flight: when it loses its say over the state, and the timer that enforces it. */
interface Probe {
  readonly deadline: number;
  readonly timer: ReturnType<typeof setTimeout>;
}

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** A delay opossum arms a timer with: positive, and at most 2^31-1 ms (a longer one would fire at once, forever). */
function delay(value: unknown, name: string, fallback: number): number {
  const ms = positive(value, name, fallback);
  if (ms > MAX_TIMER_MS) throw new RangeError(`${name} must be at most ${MAX_TIMER_MS} ms (2^31-1), got ${ms}`);
  return ms;
}

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
