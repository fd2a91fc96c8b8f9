import { ApiError } from '../http/ApiError.ts';
import { greaterThan, illegalChars, MSG, mandatoryParam, tooMuchPrecision } from '../http/messages.ts';

/** recvWindow when the request sends none, in ms. */
export const DEFAULT_RECV_WINDOW_MS = 5000;
/** Largest recvWindow the exchange accepts, in ms. */
export const MAX_RECV_WINDOW_MS = 60_000;

const INT_RE = /^[0-9]{1,20}$/;
const RECV_RE = /^([0-9]{1,20})(?:\.([0-9]+))?$/;

/**
 * The exchange's timing security, in integer microseconds so fractional recvWindows and µs timestamps
 * compare exactly: accept only when `timestamp < serverTime + 1000 ms` and `serverTime - timestamp <= recvWindow`.
 * Timestamps above 1e14 are microseconds. Throws the -1021/-1102/-1100/-1111 answer otherwise.
 *
 * recvWindow above 60000 answers -1102 "'recvWindow' contains unexpected value. Cannot be greater than 60000.":
 * the old -1131 code is retired and Binance's -1102 list carries exactly this message shape.
 */
export function checkTimestamp(
  timestamp: string | undefined,
  recvWindow: string | undefined,
  serverTimeMs: number,
): void {
  if (timestamp === undefined || timestamp === '') throw ApiError.bad(-1102, mandatoryParam('timestamp'));
  if (!INT_RE.test(timestamp)) throw ApiError.bad(-1100, illegalChars('timestamp', '^[0-9]{1,20}$'));
  let windowUs = DEFAULT_RECV_WINDOW_MS * 1000;
  if (recvWindow !== undefined && recvWindow !== '') {
    const m = RECV_RE.exec(recvWindow);
    if (!m) throw ApiError.bad(-1100, illegalChars('recvWindow', '^[0-9]{1,20}(\\.[0-9]{1,3})?$'));
    const frac = m[2] ?? '';
    if (frac.length > 3) throw ApiError.bad(-1111, tooMuchPrecision('recvWindow'));
    windowUs = Number(m[1]) * 1000 + Number(frac.padEnd(3, '0'));
    if (windowUs > MAX_RECV_WINDOW_MS * 1000) throw ApiError.bad(-1102, greaterThan('recvWindow', MAX_RECV_WINDOW_MS));
  }
  const ts = Number(timestamp);
  const tsUs = ts > 1e14 ? ts : ts * 1000;
  const serverUs = Math.round(serverTimeMs * 1000);
  if (!(tsUs < serverUs + 1_000_000)) throw ApiError.bad(-1021, MSG.timestampAhead);
  if (serverUs - tsUs > windowUs) throw ApiError.bad(-1021, MSG.outsideRecvWindow);
}
