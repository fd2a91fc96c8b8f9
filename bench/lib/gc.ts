import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { GCProfiler, type GCProfilerResult, setFlagsFromString } from 'node:v8';
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

/**
 * Bytes per request that outlive a young-generation collection (a scavenge) and stay young, while `send()` is called
 * `concurrency` at a time, each call a request: the scavenge moved them, and the next one finds them again. A
 * scavenge's pause grows with what it finds alive, not with what was allocated, so a per-request object that lives
 * as long as a client keeps its own request objects costs far more than one that dies young. (Objects V8 makes in
 * the old generation straight away, for an allocation site whose objects keep surviving, and those a scavenge
 * promotes to it, are not counted.) Counted over `scavenges` scavenges from the first after the call began (so that
 * another variant's survivors, sent before, are out of the way), against the requests answered in between: bytes,
 * not time, so a busy machine does not move it.
 */
export async function survivedBytesPerRequest(
  send: () => Promise<unknown>,
  concurrency: number,
  scavenges: number,
): Promise<number> {
  let answered = 0;
  let seen = 0;
  // The requests answered by the first scavenge counted from, and by the last counted. Entries reach the observer a
  // moment after their collection, the same moment for both ends.
  let from: number | undefined;
  let to: number | undefined;
  const observer = new PerformanceObserver((list) => {
    // A 'gc' entry's `detail` says which collection it was; the types leave it to the entries that always have one.
    for (const e of list.getEntries() as ReadonlyArray<PerformanceEntry & { detail?: { kind?: number } }>) {
      if (e.detail?.kind !== constants.NODE_PERFORMANCE_GC_MINOR) continue;
      seen++;
      if (seen === 1) from = answered;
      else if (seen === 1 + scavenges) to = answered;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const profiler = new GCProfiler();
  profiler.start();
  let stats: GCProfilerResult['statistics'] | undefined;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (to === undefined) {
          await send();
          answered++;
        }
      }),
    );
    stats = profiler.stop()?.statistics ?? [];
    // The scavenges after the first, up to the one that ended the count.
    const counted = stats.filter((s) => s.gcType === 'Scavenge').slice(1, 1 + scavenges);
    if (counted.length !== scavenges)
      throw new Error(`GCProfiler saw ${counted.length + 1} scavenges, the observer ${seen}`);
    return counted.reduce((sum, s) => sum + survivedBy(s), 0) / (to! - from!);
  } finally {
    if (stats === undefined) profiler.stop();
    observer.disconnect();
  }
}

/**
 * What one scavenge left in the young generation: the objects that outlived it. Read from the young spaces after it;
 * what it promoted cannot be read from the old generation's figure, which also moves with the sweeping of an earlier
 * full collection.
 */
function survivedBy({ afterGC }: GCProfilerResult['statistics'][number]): number {
  return afterGC.heapSpaceStatistics
    .filter((s) => s.spaceName === 'new_space' || s.spaceName === 'new_large_object_space')
    .reduce((sum, s) => sum + s.spaceUsedSize, 0);
}
