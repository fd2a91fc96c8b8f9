import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full garbage collection now (V8's `gc`, exposed for this process). */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Collects garbage every `everyMs` until `work` settles, so that what only a weak reference keeps (such as what
 * follows an `AbortSignal`) is gone within a client's timeout, as it may be in a busy app. Resolves with `work`'s
 * outcome.
 */
export async function underGarbageCollection<T>(work: Promise<T>, everyMs = 100): Promise<T> {
  const timer = setInterval(collectGarbage, everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
