import { headerEntries } from '../errors/redact.ts';
import type { ApiProfile } from '../profiles/ApiProfile.ts';
import type { EndpointTable } from '../weights/types.ts';
import { type EndpointWeight, weightOf } from '../weights/weightOf.ts';
import type { CallOptions, GuardRequest } from './transport.ts';

/** A request as the guard reads it: the caller's unsigned originals, what it costs and how it must be sent. */
export interface Described {
  method: string;
  origin: string;
  path: string;
  /** The caller's query parameters, unsigned, in order. */
  query: URLSearchParams;
  /** The caller's URL as given, for requests the guard does not re-sign. */
  rawUrl: string;
  body: string | undefined;
  /** What it costs against the rate limits, as the profile's endpoint table says; `cost.path` picks its budget. */
  cost: EndpointWeight;
  signed: boolean;
  apiKeyOnly: boolean;
  /** A cancel, or an order the API serves while it sheds load: passes an open breaker and queues ahead. */
  reducesExposure: boolean;
  label: string;
  /** Server-clock ms after which the last signed attempt can no longer execute: its timestamp + recvWindow. */
  expiresAt?: number;
  /** How many clock syncs had completed when the last attempt was stamped (see `ServerClock.resyncSince`). */
  stampedSyncs?: number;
  /** The `X-MBX-APIKEY` the caller set itself, if any. */
  callerKey: string | undefined;
}

/** Reads `request` as the guard needs it: its parts, its cost in `endpoints`, whether it is signed and how it reduces exposure. */
export function describeRequest(
  request: GuardRequest,
  call: CallOptions,
  profile: ApiProfile,
  endpoints: EndpointTable,
  defaultWeight: number,
): Described {
  const method = String(request.method ?? 'GET').toUpperCase();
  const url = request.url instanceof URL ? request.url : new URL(request.url);
  const path = url.pathname;
  const params = new URLSearchParams(url.search);
  const bodyParams = request.body ? new URLSearchParams(request.body) : undefined;
  const merged = new URLSearchParams(bodyParams);
  for (const [k, v] of params) merged.set(k, v);
  const cost = weightOf(method, path, merged, { table: endpoints, defaultWeight });
  const signed = call.signed ?? (cost.signed || params.has('signature'));
  const callerKey = headerEntries(request.headers).find(([name]) => name.toLowerCase() === 'x-mbx-apikey')?.[1];
  return {
    method,
    origin: url.origin,
    path,
    query: params,
    rawUrl: url.href,
    body: request.body,
    cost,
    signed,
    apiKeyOnly: endpoints.get(`${method} ${cost.path}`)?.security === 'API_KEY',
    reducesExposure: profile.isCancel(method, path) || profile.isOverloadExempt(method, path, merged),
    label: `${method} ${path}`,
    callerKey,
  };
}
