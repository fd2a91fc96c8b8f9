import type { CancelToken } from 'axios';

/** An AbortSignal that a cancel token aborts, and the release of the listener the token holds for it. */
export interface TokenSignal {
  readonly signal: AbortSignal;
  readonly release: () => void;
}

/** axios' (deprecated, still common) `cancelToken`, as the signal the guard stops its waits and attempts with. */
export function tokenSignal(token: CancelToken): TokenSignal {
  const controller = new AbortController();
  const abort = (reason: unknown): void => controller.abort(reason);
  if (token.reason !== undefined) abort(token.reason);
  else token.subscribe(abort);
  return { signal: controller.signal, release: () => token.unsubscribe(abort) };
}
