import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** A full garbage collection, so heap figures compare live objects rather than GC timing. */
export function forceGc(): void {
  if (!collect) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing) collect = existing;
    else {
      // Without --expose-gc: turn the flag on and fetch gc() from a fresh context, where V8 installs it.
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
  collect();
}

/** The main thread's garbage-collection pauses, as V8 reports them, to be summed over a span of time. */
export class GcPauses {
  readonly #pauses: Array<{ start: number; ms: number }> = [];
  readonly #observer = new PerformanceObserver((list) => this.#take(list.getEntries()));

  constructor() {
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /**
   * Pause time, ms, of the collections that started between `from` and `to` (performance.now() times). Spans are
   * asked for in order, so pauses before `from` are dropped: a run of thousands of chunks keeps no growing list.
   */
  between(from: number, to: number): number {
    // Entries reach the observer a tick late: take those still queued.
    this.#take(this.#observer.takeRecords());
    const pauses = this.#pauses;
    let kept = 0;
    let ms = 0;
    for (const p of pauses) {
      if (p.start < from) continue;
      pauses[kept++] = p;
      if (p.start < to) ms += p.ms;
    }
    pauses.length = kept;
    return ms;
  }

  close(): void {
    this.#observer.disconnect();
  }

  #take(entries: readonly PerformanceEntry[]): void {
    for (const e of entries) this.#pauses.push({ start: e.startTime, ms: e.duration });
  }
}
