/**
 * A Binance error answer, thrown inside the fake and turned into `{"code":..,"msg":..}` by the pipeline.
 * Internal: users see only the HTTP response.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: number;
  readonly msg: string;
  /** Extra body fields, e.g. cancelReplace's `data` object. */
  readonly data: unknown;
  /** Seconds for the `Retry-After` header (429 and 418). */
  readonly retryAfterSec: number | undefined;

  constructor(status: number, code: number, msg: string, data?: unknown, retryAfterSec?: number) {
    super(msg);
    this.status = status;
    this.code = code;
    this.msg = msg;
    this.data = data;
    this.retryAfterSec = retryAfterSec;
  }

  /** The 400 answer most rejections use. */
  static bad(code: number, msg: string): ApiError {
    return new ApiError(400, code, msg);
  }
}
