import { MAX_TIMER_MS } from '../time/limits.ts';
import type { Claim } from './Slot.ts';
import type { AcquireRequest, Permit, ThrottleTimers } from './types.ts';

const PENDING = 0;
const DONE = 1;

/** A request waiting for budget. */
export class Waiter {
  readonly claim: Claim;
  readonly label: string | undefined;
  /** Server ms after which waiting longer breaks `maxWaitMs`. */
  deadline: number;
  /** Server ms when it asked. Both move with a step of the clock (see {@link WaitQueue.shift}). */
  enqueuedAt: number;
  readonly weightOnSuccess: number | undefined;
  readonly signal: AbortSignal | undefined;
  resolve: (permit: Permit) => void = noop;
  reject: (error: unknown) => void = noop;
  state = PENDING;
  /** Whether listeners were told it waits (once per request). */
  announced = false;
  onAbort: (() => void) | undefined = undefined;

  constructor(request: AcquireRequest, claim: Claim, enqueuedAt: number, maxWaitMs: number) {
    this.claim = claim;
    this.label = request.label;
    this.deadline = enqueuedAt + maxWaitMs;
    this.enqueuedAt = enqueuedAt;
    this.weightOnSuccess = request.weightOnSuccess;
    this.signal = request.signal;
  }

  get pending(): boolean {
    return this.state === PENDING;
  }
}

/** What serving one waiter did: go on with the next, serve the same one again, or end the pass. */
export type ServeResult = 'next' | 'again' | 'stop';

/** What the queue needs from its limiter. */
export interface WaitQueueHost {
  readonly timers: ThrottleTimers;
  /** Server-clock ms. */
  now(): number;
  /** Tries to grant `w` (or holds or fails it); never throws for a waiter's own problems. */
  serve(w: Waiter, isCancel: boolean): Promise<ServeResult>;
  /** Server ms from which a request may go after the current pause, or 0. */
  pauseResumeAt(): number;
}

/**
 * The requests waiting for budget, and the order they are served in: cancels first, then normal requests, each in
 * arrival order. A request that needs a limit someone ahead of it waits for waits too (no overtaking on that
 * limit); one that needs none of the exhausted limits goes ahead. Per limit (by index into the limiter's slots) the
 * queue remembers until when it is known to be full, for normal requests and for every request (a cancel found it
 * full; nothing queued overtakes a cancel), and sleeps until the earliest of those.
 */
export class WaitQueue {
  readonly #host: WaitQueueHost;
  readonly #cancels: Waiter[] = [];
  readonly #normals: Waiter[] = [];
  #queued = 0;
  #pumping = false;
  #again = false;
  #wake: unknown;
  #blockedNormal: number[] = [];
  #blockedAll: number[] = [];
  #blockedUsed: number[] = [];
  /** Whether any limit is marked full: while none is, nothing above needs a look (nearly every request). */
  #anyBlocked = false;
  #epoch = 0;

  constructor(host: WaitQueueHost, slotCount: number) {
    this.#host = host;
    this.resetBlocks(slotCount);
  }

  /** Requests waiting. */
  get size(): number {
    return this.#queued;
  }

  /** Queues `w` (a cancel ahead of every normal request) and serves the queue. */
  add(w: Waiter, cancel: boolean): void {
    (cancel ? this.#cancels : this.#normals).push(w);
    this.#queued++;
    void this.pump();
  }

  /** Whether a new request may be granted without queueing at `t`: nobody waits and no limit is known to be full. */
  idle(t: number): boolean {
    if (this.#queued > 0 || this.#pumping) return false;
    if (!this.#anyBlocked) return true;
    for (let s = 0; s < this.#blockedAll.length; s++) {
      if (this.#blockedAll[s]! > t || this.#blockedNormal[s]! > t) return false;
    }
    return true;
  }

  /** Takes `w` out of the queue (it is granted, refused or aborted). */
  finish(w: Waiter): void {
    w.state = DONE;
    this.#queued--;
    if (w.onAbort !== undefined) w.signal?.removeEventListener('abort', w.onAbort);
  }

  /** Takes `w` out of the queue and rejects it with `error`. */
  fail(w: Waiter, error: unknown): void {
    this.finish(w);
    w.reject(error);
  }

  /** Rejects every waiting request with the error `errorFor` builds for it. */
  failAll(errorFor: (w: Waiter) => unknown): void {
    for (const w of this.#pending()) this.fail(w, errorFor(w));
  }

  /** Every waiting request, cancels first. */
  *#pending(): Generator<Waiter> {
    for (const queue of [this.#cancels, this.#normals]) for (const w of queue) if (w.state === PENDING) yield w;
  }

  /** Calls `fn` for every waiting request, cancels first; `fn` may fail it. */
  forEachPending(fn: (w: Waiter) => void): void {
    for (const w of this.#pending()) fn(w);
  }

  /**
   * The clock the times are read on stepped by `ms`: each waiting request's times move with it, so that it may wait
   * as long as before. What is known to be full is on the old reading: call {@link capacityChanged}.
   */
  shift(ms: number): void {
    for (const w of this.#pending()) {
      w.deadline += ms;
      w.enqueuedAt += ms;
    }
  }

  /** The limits changed (now `slotCount` of them): nothing is known to be full any more. */
  resetBlocks(slotCount: number): void {
    this.#blockedNormal = new Array<number>(slotCount).fill(0);
    this.#blockedAll = new Array<number>(slotCount).fill(0);
    this.#blockedUsed = new Array<number>(slotCount).fill(0);
    this.#anyBlocked = false;
  }

  /** Counts {@link capacityChanged} calls: a store's "full" answer from before the latest one may be stale. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Capacity may have come back: forget what was known to be full and let the queue try again. */
  capacityChanged(): void {
    this.#epoch++;
    if (this.#anyBlocked) {
      this.#blockedNormal.fill(0);
      this.#blockedAll.fill(0);
      this.#anyBlocked = false;
    }
    if (this.#queued > 0) void this.pump();
  }

  /**
   * Limit `slot` is full with `used` until `until` (server ms) for the requests behind the one that found it full:
   * behind a cancel, for everyone; behind a normal request, for normal requests.
   */
  block(slot: number, until: number, used: number, byCancel: boolean): void {
    const blocked = byCancel ? this.#blockedAll : this.#blockedNormal;
    if (until > blocked[slot]!) blocked[slot] = until;
    this.#anyBlocked = true;
    this.#blockedUsed[slot] = used;
  }

  /** The usage recorded when `slot` was last found full. */
  blockedUsed(slot: number): number {
    return this.#blockedUsed[slot]!;
  }

  /**
   * Of the limits `needs` says the request uses, the one known to be full for it at `t` that frees up last, or
   * undefined.
   */
  blockingSlot(
    t: number,
    isCancel: boolean,
    needs: (slot: number) => boolean,
  ): { slot: number; until: number } | undefined {
    let found: { slot: number; until: number } | undefined;
    for (let s = 0; s < this.#blockedAll.length; s++) {
      const until = isCancel ? this.#blockedAll[s]! : Math.max(this.#blockedAll[s]!, this.#blockedNormal[s]!);
      if (until > t && needs(s) && (found === undefined || until > found.until)) found = { slot: s, until };
    }
    return found;
  }

  /** Stops the timer; waiting requests stay queued until served or failed. */
  stop(): void {
    if (this.#wake !== undefined) {
      this.#host.timers.clearTimeout(this.#wake);
      this.#wake = undefined;
    }
  }

  /** Serves the queue. Only one pass runs at a time; calls during a pass make it run once more. */
  async pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    this.stop();
    try {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again);
    } catch (error) {
      // Only an injected function can throw here (serverNow, a store method): fail the waiters rather than
      // leave them hanging with no timer set.
      this.failAll(() => error);
    } finally {
      this.#pumping = false;
      this.#compact();
    }
    this.#sleep();
  }

  async #pass(): Promise<void> {
    for (const queue of [this.#cancels, this.#normals]) {
      const isCancel = queue === this.#cancels;
      // Waiters that arrive during the pass are appended and served in the same pass.
      for (let i = 0; i < queue.length; i++) {
        const w = queue[i]!;
        if (w.state !== PENDING) continue;
        const result = await this.#host.serve(w, isCancel);
        if (result === 'stop') return;
        if (result === 'again') i--;
      }
    }
  }

  /** Sets the timer for the earliest moment a waiting request may go. */
  #sleep(): void {
    if (this.#queued === 0 || this.#pumping) return;
    let resumeAt = Number.POSITIVE_INFINITY;
    const t = this.#host.now();
    const pauseEnd = this.#host.pauseResumeAt();
    if (pauseEnd > t) resumeAt = pauseEnd;
    else {
      for (const until of this.#blockedAll) if (until > t && until < resumeAt) resumeAt = until;
      for (const until of this.#blockedNormal) if (until > t && until < resumeAt) resumeAt = until;
    }
    // Nothing known to be full any more (time moved on during the pass): try again shortly. Never 0 ms, so a
    // store that keeps answering "full until a moment already past" cannot spin the event loop.
    if (resumeAt === Number.POSITIVE_INFINITY) resumeAt = t + 1;
    this.stop();
    this.#wake = this.#host.timers.setTimeout(
      () => {
        this.#wake = undefined;
        void this.pump();
      },
      // A longer delay would fire at once (timers hold at most 2^31-1 ms); the pump sleeps again when it wakes early.
      Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(resumeAt - t))),
    );
  }

  #compact(): void {
    for (const queue of [this.#cancels, this.#normals]) {
      let keep = 0;
      for (const w of queue) if (w.state === PENDING) queue[keep++] = w;
      queue.length = keep;
    }
  }
}

function noop(): void {}
