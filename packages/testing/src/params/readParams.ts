import { ApiError } from '../http/ApiError.ts';
import { illegalChars, invalidParamData } from '../http/messages.ts';
import type { Params } from './Params.ts';

const INT_RE = /^[0-9]{1,20}$/;

/** An optional integer parameter: -1100 for characters outside `^[0-9]{1,20}$`, -1130 outside [min, max]. */
export function readInt(params: Params, name: string, min: number, max: number): number | undefined {
  const v = params[name];
  if (v === undefined || v === '') return undefined;
  if (!INT_RE.test(v)) throw ApiError.bad(-1100, illegalChars(name, '^[0-9]{1,20}$'));
  const n = Number(v);
  if (n < min || n > max) throw ApiError.bad(-1130, invalidParamData(name));
  return n;
}

/** An optional enum parameter: the value, or the given error when it is not one of `allowed`. */
export function readEnum<T extends string>(
  params: Params,
  name: string,
  allowed: readonly T[],
  error: () => ApiError,
): T | undefined {
  const v = params[name];
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw error();
  return v as T;
}
