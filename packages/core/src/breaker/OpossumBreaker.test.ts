import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classify } from '../classify/classify.ts';
import { BinanceCircuitOpenError } from '../errors/classes.ts';
import { OpossumBreaker } from './OpossumBreaker.ts';

const busy = () =>
  classify({
    status: 503,
    body: {
      code: -1008,
      msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
    },
  });
const business = [
  () => classify({ status: 400, body: { code: -1013, msg: 'Filter failure: LOT_SIZE' } }),
  () => classify({ status: 400, body: { code: -2010, msg: 'Account has insufficient balance for requested action.' } }),
  () => classify({ status: 409, body: { code: -2021, msg: 'Order cancel-replace partially failed.' } }),
  () =>
    classify({ status: 400, body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } }),
];

let breaker: OpossumBreaker;
beforeEach(() => {
  vi.useFakeTimers();
  // The fake timers' monotonic clock: the default reads node:perf_hooks' `performance`, which they leave real.
  breaker = new OpossumBreaker({ resetTimeoutMs: 1000, volumeThreshold: 4, now: () => performance.now() });
});
afterEach(() => {
  breaker.shutdown();
  vi.useRealTimers();
});

const fail = (make: () => Error) => breaker.run(() => Promise.reject(make())).catch((e: unknown) => e);

describe('OpossumBreaker', () => {
  it('opens on a -1008 storm and then fails fast without calling the action', async () => {
    const states: string[] = [];
    breaker.onStateChange((state) => states.push(state));
    for (let i = 0; i < 4; i++) await fail(busy);
    expect(breaker.state).toBe('open');
    const action = vi.fn(async () => 'sent');
    const err = await breaker.run(action).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinanceCircuitOpenError);
    expect((err as BinanceCircuitOpenError).retryAfterMs).toBe(1000);
    expect(action).not.toHaveBeenCalled();
    expect(states).toEqual(['open']);
  });

  it('opens at once after a run of consecutive overloads, before the percentage rule would', async () => {
    breaker.shutdown();
    breaker = new OpossumBreaker({ resetTimeoutMs: 1000, volumeThreshold: 4, consecutiveFailures: 3 });
    for (let i = 0; i < 20; i++) await breaker.run(async () => 'ok');
    await fail(busy);
    await fail(busy);
    expect(breaker.state).toBe('closed');
    await fail(busy);
    expect(breaker.state).toBe('open');
    // The manual open arms the reset timer like any other: one probe after resetTimeoutMs.
    await vi.advanceTimersByTimeAsync(1000);
    expect(breaker.state).toBe('half-open');
    await breaker.run(async () => 'probe');
    expect(breaker.state).toBe('closed');
  });

  it('restarts the run of overloads on any other outcome', async () => {
    breaker.shutdown();
    breaker = new OpossumBreaker({ resetTimeoutMs: 1000, volumeThreshold: 4, consecutiveFailures: 3 });
    for (let i = 0; i < 20; i++) await breaker.run(async () => 'ok');
    for (const between of [() => breaker.run(async () => 'ok'), ...business.map((make) => () => fail(make))]) {
      await fail(busy);
      await fail(busy);
      await between();
    }
    expect(breaker.state).toBe('closed');
  });

  it('never opens on business errors, 409 partial successes or -1021', async () => {
    for (let i = 0; i < 20; i++) for (const make of business) await fail(make);
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one probe through when half-open; success closes it', async () => {
    for (let i = 0; i < 4; i++) await fail(busy);
    await vi.advanceTimersByTimeAsync(1000);
    expect(breaker.state).toBe('half-open');
    let release: (v: string) => void = () => {};
    const probe = breaker.run(() => new Promise<string>((r) => (release = r)));
    const second = vi.fn(async () => 'x');
    expect(await breaker.run(second).catch((e: unknown) => e)).toBeInstanceOf(BinanceCircuitOpenError);
    expect(second).not.toHaveBeenCalled();
    release('ok');
    expect(await probe).toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it("re-opens when the probe has no verdict after resetTimeoutMs, so the next probe goes; the lost one stays the caller's", async () => {
    const states: string[] = [];
    breaker.onStateChange((state) => states.push(state));
    for (let i = 0; i < 4; i++) await fail(busy);
    await vi.advanceTimersByTimeAsync(1000);
    expect(breaker.state).toBe('half-open');
    // A probe no answer comes to (a client without a timeout, a connection that went dead).
    let release: (v: string) => void = () => {};
    const lost = vi.fn(() => new Promise<string>((r) => (release = r)));
    const probe = breaker.run(lost);
    await vi.advanceTimersByTimeAsync(400);
    // Refused meanwhile, told when the probe's verdict is due rather than "retry after 0 ms".
    const refused = await breaker.run(async () => 'x').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BinanceCircuitOpenError);
    expect((refused as BinanceCircuitOpenError).retryAfterMs).toBe(600);
    expect(breaker.retryAfterMs()).toBe(600);
    await vi.advanceTimersByTimeAsync(600);
    expect(breaker.state).toBe('open');
    expect(breaker.retryAfterMs()).toBe(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.retryAfterMs()).toBe(0);
    expect(await breaker.run(async () => 'second probe')).toBe('second probe');
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
    // The lost probe was neither cancelled nor sent again: its caller still gets its own outcome.
    release('late');
    expect(await probe).toBe('late');
    expect(lost).toHaveBeenCalledTimes(1);
    expect(breaker.state).toBe('closed');
  });

  it("by default tells callers the time left on opossum's timer, whichever way the wall clock steps", async () => {
    breaker.shutdown();
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['Date'] });
    breaker = new OpossumBreaker({ resetTimeoutMs: 1000, volumeThreshold: 4 });
    for (let i = 0; i < 4; i++) await fail(busy);
    // NTP steps the host's wall clock back an hour: the probe is still under a second away, not an hour.
    vi.setSystemTime(Date.now() - 3_600_000);
    const refused = await breaker.run(async () => 'x').catch((e: unknown) => e);
    expect((refused as BinanceCircuitOpenError).retryAfterMs).toBeGreaterThan(0);
    expect((refused as BinanceCircuitOpenError).retryAfterMs).toBeLessThanOrEqual(1000);
    // Then forward, to 2 min ahead of the true time: not "retry after 0 ms" while every retry is refused.
    vi.setSystemTime(Date.now() + 3_720_000);
    expect(breaker.state).toBe('open');
    expect(breaker.retryAfterMs()).toBeGreaterThan(0);
  });

  it('lets a lost probe that answers late close the breaker, and then no bound of a later probe re-opens it', async () => {
    for (let i = 0; i < 4; i++) await fail(busy);
    await vi.advanceTimersByTimeAsync(1000);
    let release: (v: string) => void = () => {};
    const first = breaker.run(() => new Promise<string>((r) => (release = r)));
    await vi.advanceTimersByTimeAsync(2000);
    expect(breaker.state).toBe('half-open');
    // The second probe hangs too; the first one's late answer shows the exchange is processing requests.
    void breaker.run(() => new Promise<string>(() => {}));
    release('late');
    expect(await first).toBe('late');
    expect(breaker.state).toBe('closed');
    expect(breaker.retryAfterMs()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(breaker.state).toBe('closed');
  });

  it('re-opens when the probe hits another overload', async () => {
    for (let i = 0; i < 4; i++) await fail(busy);
    await vi.advanceTimersByTimeAsync(1000);
    await fail(busy);
    expect(breaker.state).toBe('open');
  });

  it('lets cancels through while open, without counting them', async () => {
    for (let i = 0; i < 4; i++) await fail(busy);
    expect(await breaker.run(async () => 'cancelled', { bypass: true })).toBe('cancelled');
    expect(breaker.state).toBe('open');
  });

  it('counts outcomes recorded without run like run does: the percentage rule opens it, answers close nothing', async () => {
    // Successes and business errors alike are answers: counted as fires and successes.
    for (let i = 0; i < 6; i++) expect(breaker.record(false)).toBeUndefined();
    for (const make of business) expect(breaker.record(true, make())).toBeUndefined();
    expect(breaker.stats()).toMatchObject({ fires: 10, failures: 0, successes: 10 });
    breaker.shutdown();
    breaker = new OpossumBreaker({ resetTimeoutMs: 1000, volumeThreshold: 4, consecutiveFailures: 0 });
    // 10 answers, then overloads: the 10th brings the failures to 50 %, not above; the 11th passes it.
    for (let i = 0; i < 10; i++) breaker.record(false);
    for (let i = 0; i < 10; i++) await breaker.record(true, busy());
    expect(breaker.state).toBe('closed');
    await breaker.record(true, busy());
    expect(breaker.state).toBe('open');
    expect(breaker.stats()).toMatchObject({ fires: 21, failures: 11, successes: 10 });
  });

  it('counts recorded answers in the bucket they came in, so they leave the rolling window with it', async () => {
    for (let i = 0; i < 10; i++) breaker.record(false);
    vi.advanceTimersByTime(5000);
    breaker.record(false);
    expect(breaker.stats()).toMatchObject({ fires: 11, successes: 11 });
    // The first ten came half a window before the last one: they have left the window, it has not.
    vi.advanceTimersByTime(5000);
    expect(breaker.stats()).toMatchObject({ fires: 1, successes: 1 });
    vi.advanceTimersByTime(5000);
    expect(breaker.stats()).toMatchObject({ fires: 0, successes: 0 });
  });

  it('opens on a run of overloads recorded without run, and an answer between them breaks the run', async () => {
    breaker.shutdown();
    breaker = new OpossumBreaker({ resetTimeoutMs: 1000, volumeThreshold: 1000, consecutiveFailures: 3 });
    await breaker.record(true, busy());
    await breaker.record(true, busy());
    breaker.record(false);
    await breaker.record(true, busy());
    await breaker.record(true, busy());
    expect(breaker.state).toBe('closed');
    await breaker.record(true, busy());
    expect(breaker.state).toBe('open');
  });

  it('stops notifying after unsubscribe, and rejects bad options', async () => {
    const seen: string[] = [];
    const off = breaker.onStateChange((s) => seen.push(s));
    off();
    for (let i = 0; i < 4; i++) await fail(busy);
    expect(seen).toEqual([]);
    expect(() => new OpossumBreaker({ resetTimeoutMs: -1 })).toThrow(/breaker.resetTimeoutMs/);
    expect(() => new OpossumBreaker({ resetTimeoutMs: 30 * 86_400_000 })).toThrow(/breaker.resetTimeoutMs .*2\^31-1/);
    expect(() => new OpossumBreaker({ rollingCountTimeoutMs: 2 ** 31 })).toThrow(/breaker.rollingCountTimeoutMs/);
    expect(() => new OpossumBreaker({ consecutiveFailures: 1.5 })).toThrow(/breaker.consecutiveFailures/);
  });
});
