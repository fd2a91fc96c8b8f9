import { performance } from 'node:perf_hooks';
import { Listeners } from '../common/Listeners.ts';
import { hostIntervals, type IntervalTimers, weakInterval } from '../common/weakInterval.ts';
import { MAX_TIMER_MS } from '../time/limits.ts';

/**
 * How far the wall clock may move against the monotonic one between syncs, ms. More is a suspend, which the
 * monotonic clock does not count on Linux (the estimate then lags the server by the time suspended), or a step of the
 * wall clock (NTP, an admin): the clock resyncs rather than wait for the periodic resync.
 */
const WALL_STEP_MS = 100;

/** Timer functions the clock uses for periodic resync; inject fakes in tests. */
export type ClockTimers = IntervalTimers;

/** Options of {@link ServerClock}. */
export interface ServerClockOptions {
  /** Fetches the server's time (`GET /api/v3/time` → `serverTime`), in ms since the epoch. */
  fetchServerTime: (signal?: AbortSignal) => Promise<number>;
  /** Round trips per sync; the one with the lowest RTT is used. @default 3 */
  samples?: number | undefined;
  /** How often to resync in the background, in ms; `0` turns it off. @default 600_000 */
  resyncIntervalMs?: number | undefined;
  /**
   * Local wall clock, ms since the epoch: for the offsets the clock reports, to notice a step or a suspend, and for
   * the host's time `now()` runs on until the first sync (advanced by `monoNow` between the steps it notices).
   * @default Date.now
   */
  wallNow?: (() => number) | undefined;
  /**
   * Monotonic clock in ms (any origin). Server time is extrapolated from it between syncs; a step of the wall clock
   * starts a resync, and a forward one (a suspend) moves the estimate at once. @default performance.now
   */
  monoNow?: (() => number) | undefined;
  timers?: ClockTimers | undefined;
}

/** One `/time` round trip. */
export interface ClockSample {
  /** Round-trip time, ms. */
  rttMs: number;
  /** Server time minus local wall time at the sample, ms. */
  offsetMs: number;
}

/** What the clock knows, as plain data. */
export interface ClockSnapshot {
  synced: boolean;
  /** Estimated server time minus local wall time, ms. */
  offsetMs: number;
  /** How far the estimate may be off either way, ms (half the chosen sample's RTT, plus rounding). */
  uncertaintyMs: number;
  /** Local wall time of the last sync, ms, or `undefined`. */
  lastSyncAt: number | undefined;
  samples: ClockSample[];
}

/**
 * Binance's clock, estimated from `/api/v3/time` round trips. Each sample assumes the server read its clock at the
 * midpoint of the round trip, which is right to within half the RTT; the sample with the lowest RTT wins. The
 * estimate is anchored to a monotonic clock; when the wall clock jumps against it, the clock resyncs, and when it
 * jumps ahead (a suspend, which the monotonic clock does not count on Linux) the estimate moves with it at once.
 * {@link onStep} listeners hear when the time `now()` runs on changes under what was kept on it.
 *
 * Syncs are single-flight: any number of callers of {@link ensureSynced} or {@link resync} share one sync.
 *
 * @example
 * ```ts
 * const clock = new ServerClock({ fetchServerTime: async () => (await (await fetch(`${base}/api/v3/time`)).json()).serverTime });
 * await clock.ensureSynced();
 * const timestamp = clock.stamp(5000);
 * ```
 */
export class ServerClock {
  readonly #fetch: ServerClockOptions['fetchServerTime'];
  readonly #samples: number;
  readonly #wallNow: () => number;
  readonly #monoNow: () => number;
  readonly #timers: ClockTimers;
  readonly #resyncIntervalMs: number;
  readonly #sync = new Listeners<ClockSnapshot>();
  readonly #step = new Listeners<number>();
  /**
   * Before the first sync, `now()` is this plus the monotonic time: the wall clock less the monotonic one when the
   * clock was made, moved by each step of the wall clock seen since.
   */
  #hostBase: number;
  /** Wall time less monotonic time when last looked at: a change beyond `WALL_STEP_MS` is a step or a suspend. */
  #wallLead: number;
  /** A step of the wall clock was seen since the last sync (see {@link fresh}). */
  #stepSeen = false;
  #synced = false;
  /** Server time at `#anchorMono`. */
  #anchorServer = 0;
  #anchorMono = 0;
  #uncertainty = 0;
  #lastSyncAt: number | undefined;
  #lastSamples: ClockSample[] = [];
  #inFlight: Promise<void> | undefined;
  #syncs = 0;
  /** Stops the periodic resync, while it runs. */
  #stopResync: (() => void) | undefined;
  #closed = false;

  constructor(options: ServerClockOptions) {
    if (options === null || typeof options !== 'object' || typeof options.fetchServerTime !== 'function') {
      throw new TypeError('ServerClock needs fetchServerTime, a function returning the server time in ms');
    }
    this.#fetch = options.fetchServerTime;
    this.#samples = options.samples ?? 3;
    if (!Number.isInteger(this.#samples) || this.#samples < 1 || this.#samples > 20) {
      throw new RangeError(`clock.samples must be an integer from 1 to 20, got ${String(options.samples)}`);
    }
    this.#resyncIntervalMs = options.resyncIntervalMs ?? 600_000;
    if (
      typeof this.#resyncIntervalMs !== 'number' ||
      !(this.#resyncIntervalMs >= 0 && this.#resyncIntervalMs <= MAX_TIMER_MS)
    ) {
      throw new RangeError(
        `clock.resyncIntervalMs must be a number of ms from 0 to ${MAX_TIMER_MS} (2^31-1, the longest timer), got ${String(options.resyncIntervalMs)}`,
      );
    }
    this.#wallNow = options.wallNow ?? (() => Date.now());
    // `performance` from node:perf_hooks: the global one is an accessor, a getter call on every read.
    this.#monoNow = options.monoNow ?? (() => performance.now());
    this.#hostBase = this.#wallNow() - this.#monoNow();
    this.#wallLead = this.#hostBase;
    this.#timers = options.timers ?? hostIntervals;
  }

  /** Whether at least one sync has succeeded. */
  get synced(): boolean {
    return this.#synced;
  }

  /**
   * Whether a signed request may be stamped now: synced, and no step of the wall clock seen since the last sync (the
   * estimate then rests on a guess until the resync it started ends; see {@link ensureSynced}).
   */
  get fresh(): boolean {
    return this.#synced && !this.#stepSeen;
  }

  /** Half the chosen sample's round trip plus rounding, ms: how far {@link now} may be off either way. */
  get uncertaintyMs(): number {
    return this.#uncertainty;
  }

  /**
   * Estimated server time now, ms since the epoch. Before the first sync: the host's time, advanced by the monotonic
   * clock, moving with each step of the wall clock a turn after it is seen (with what was kept on it: {@link onStep}).
   */
  now(): number {
    const mono = this.#monoNow();
    const lead = this.#wallNow() - mono;
    if (Math.abs(lead - this.#wallLead) > WALL_STEP_MS) this.#wallStepped(lead);
    if (!this.#synced) return this.#hostBase + mono;
    return this.#anchorServer + (mono - this.#anchorMono);
  }

  /**
   * The `timestamp` to put on a signed request sent now. It is the lowest server time the clock can be at
   * (`now() − uncertainty`), so the request can never be "1000ms ahead of the server's time"; it is then at
   * most 2 × uncertainty plus the one-way latency behind the server, far inside `recvWindow` for any sane link.
   */
  stamp(): number {
    return Math.floor(this.now() - this.#uncertainty) - 1;
  }

  /** Syncs unless {@link fresh}: not synced yet, or a step of the wall clock seen since. Callers share one sync. */
  ensureSynced(signal?: AbortSignal): Promise<void> {
    return this.fresh ? Promise.resolve() : this.resync(signal);
  }

  /** How many syncs have completed; read it when stamping a request, and pass it to {@link resyncSince}. */
  get syncs(): number {
    return this.#syncs;
  }

  /**
   * Resyncs after a -1021 — unless a sync has completed since `syncs` was read (when the rejected request was
   * stamped), in which case the clock is already fresh. So any number of concurrent -1021 answers cause one sync,
   * not one per answer that arrives after the previous sync ended.
   */
  resyncSince(syncs: number, signal?: AbortSignal): Promise<void> {
    return this.#syncs !== syncs ? Promise.resolve() : this.resync(signal);
  }

  /** Syncs now (e.g. after a -1021). Concurrent callers share one sync. */
  resync(signal?: AbortSignal): Promise<void> {
    this.#inFlight ??= this.#doSync(signal).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /**
   * Listens for each change of the time {@link now} runs on, ms (negative: back): before the first sync, each step
   * of the host's wall clock (its time follows the wall clock's); at the first sync, from the host's time to the
   * server's (called before the `onSync` listeners). Later syncs and a suspend's jump correct an estimate of the
   * same time and are not reported. Returns the function that stops listening.
   */
  onStep(listener: (stepMs: number) => void): () => void {
    return this.#step.on(listener);
  }

  /** Listens for completed syncs; returns the function that stops listening. */
  onSync(listener: (snapshot: ClockSnapshot) => void): () => void {
    return this.#sync.on(listener);
  }

  snapshot(): ClockSnapshot {
    return {
      synced: this.#synced,
      offsetMs: this.#synced ? this.now() - this.#wallNow() : 0,
      uncertaintyMs: this.#uncertainty,
      lastSyncAt: this.#lastSyncAt,
      samples: [...this.#lastSamples],
    };
  }

  /** Stops the periodic resync, for good: a sync that ends later (one in flight) does not start it again. */
  close(): void {
    this.#closed = true;
    this.#stopResync?.();
    this.#stopResync = undefined;
  }

  async #doSync(signal?: AbortSignal): Promise<void> {
    let best: { server: number; mono: number; rtt: number } | undefined;
    const samples: ClockSample[] = [];
    for (let i = 0; i < this.#samples; i++) {
      const sent = this.#monoNow();
      const serverTime = await this.#fetch(signal);
      const received = this.#monoNow();
      if (typeof serverTime !== 'number' || !Number.isFinite(serverTime)) {
        throw new TypeError(`fetchServerTime must resolve to a number of ms, got ${String(serverTime)}`);
      }
      const rtt = Math.max(0, received - sent);
      // The server read its clock somewhere in [sent, received]; the midpoint is off by at most rtt / 2.
      const serverAtReceipt = serverTime + rtt / 2;
      samples.push({ rttMs: rtt, offsetMs: serverAtReceipt - this.#wallNow() });
      if (!best || rtt < best.rtt) best = { server: serverAtReceipt, mono: received, rtt };
    }
    if (!best) return;
    const first = !this.#synced;
    this.#anchorServer = best.server;
    this.#anchorMono = best.mono;
    // serverTime is whole ms (floor), hence the extra 1.
    this.#uncertainty = best.rtt / 2 + 1;
    this.#synced = true;
    this.#stepSeen = false;
    this.#syncs++;
    this.#lastSyncAt = this.#wallNow();
    this.#wallLead = this.#lastSyncAt - this.#monoNow();
    this.#lastSamples = samples;
    this.#startResync();
    // Until now, the host's time: what was kept on it moves to the server's. Later syncs only correct an estimate
    // of the same time, as does the jump taken for a suspend (see #wallStepped).
    if (first) this.#step.emit(best.server - (this.#hostBase + best.mono));
    this.#sync.emit(this.snapshot());
  }

  /**
   * The wall clock moved against the monotonic one, which it now leads by `lead` ms: a step (NTP, an admin) or a
   * suspend, which the monotonic clock does not count on Linux. Before the first sync the host's time follows the
   * wall clock, and what was kept on it moves with it ({@link onStep}): a pause or a wait lasts as long as it did.
   * Once synced, a forward jump is taken as a suspend and the estimate moves forward as much at once, for the
   * unsigned requests sent before a resync says how far off that was (signed ones wait for it: a forward step of NTP
   * would otherwise stamp them ahead); what was kept on the server's time stays where it is.
   */
  #wallStepped(lead: number): void {
    const jump = lead - this.#wallLead;
    this.#wallLead = lead;
    if (this.#synced) {
      // Signed requests wait for the resync below (`fresh`); the others go on the guess.
      this.#stepSeen = true;
      if (jump > 0) this.#anchorServer += jump;
    }
    // Not from inside now(): its caller (the limiter) is midway through a step, and a sync sends requests through it.
    // The host's time moves in the same turn as what was kept on it.
    void Promise.resolve()
      .then(() => {
        if (this.#closed) return undefined;
        if (this.#synced) return this.resync();
        this.#hostBase += jump;
        this.#step.emit(jump);
        return undefined;
      })
      .catch(() => {
        // A failed resync keeps the estimate, as a failed periodic one does, and signed requests go on with it: the
        // next -1021 resyncs again.
        this.#stepSeen = false;
      });
  }

  #startResync(): void {
    if (this.#stopResync !== undefined || this.#resyncIntervalMs === 0 || this.#closed) return;
    // Weakly held: the clock's fetchServerTime holds its guard, and a guard dropped without close() must be collected,
    // not resync for the life of the process.
    this.#stopResync = weakInterval(this, this.#resyncIntervalMs, resyncInBackground, this.#timers);
  }
}

/** The periodic resync's tick: outside the class, so that it holds no clock. */
function resyncInBackground(clock: ServerClock): void {
  clock.resync().catch(() => {
    // A failed background resync keeps the last estimate; the next -1021 resyncs again.
  });
}
