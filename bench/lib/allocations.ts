/**
 * What a stretch of code allocates, collected objects included: V8's sampling heap profiler, through the inspector
 * of the process itself. Untimed, and exact where time is noisy: it moves by a percent or two between runs.
 */
import { Session } from 'node:inspector/promises';

/** Bytes allocated while sampling, in all and by the function that allocated them. */
export interface Allocations {
  total: number;
  /** `name (place:line)`, as {@link functionName} names it. */
  byFunction: Record<string, number>;
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** The profiler's default interval between two samples, bytes on average. */
export const SAMPLE_BYTES = 128;

/** Starts sampling every `intervalBytes` on average; `stop` ends it and says what was allocated since. */
export async function sampleAllocations(intervalBytes = SAMPLE_BYTES): Promise<{ stop(): Promise<Allocations> }> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: intervalBytes,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop() {
      try {
        const { profile } = await session.post('HeapProfiler.stopSampling');
        const byFunction: Record<string, number> = {};
        let total = 0;
        const pending: ProfileNode[] = [profile.head as ProfileNode];
        for (let node = pending.pop(); node; node = pending.pop()) {
          if (node.selfSize > 0) {
            const name = functionName(node.callFrame);
            byFunction[name] = (byFunction[name] ?? 0) + node.selfSize;
            total += node.selfSize;
          }
          pending.push(...node.children);
        }
        return { total, byFunction };
      } finally {
        session.disconnect();
      }
    },
  };
}

/**
 * `#send (core/guard/BinanceGuard.ts:547)`: the function and the line it starts on, the package's `src/` and the
 * repository's paths left out, as `bench/instructions.ts` names functions. V8's builtins have no place: `(builtin)`.
 */
export function functionName(frame: ProfileNode['callFrame']): string {
  const where = frame.url
    .replace(/^file:\/\/.*\/packages\/([^/]+)\/src\//, '$1/')
    .replace(/^file:\/\/.*\/node_modules\//, '')
    .replace(/^file:\/\/.*\/bench\//, 'bench/')
    .replace(/^node:internal\/deps\//, '');
  return `${frame.functionName || '(anonymous)'} (${where ? `${where}:${frame.lineNumber + 1}` : 'builtin'})`;
}
