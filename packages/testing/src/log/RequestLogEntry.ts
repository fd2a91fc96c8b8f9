import type { FaultKind } from '../faults/Fault.ts';
import type { Params } from '../params/Params.ts';

/** One request as it reached the fake exchange. */
export interface RequestLogEntry {
  /** 1, 2, 3… in arrival order. */
  id: number;
  /** Arrival time on the server clock (`now()` + skew), in ms. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query and form-body parameters merged (query wins), including `signature` when sent. */
  params: Readonly<Params>;
  /** The address the limits were keyed by (or the client-IP header's value). */
  ip: string;
  /** The `X-MBX-APIKEY` header; the secret is never known to the fake's log. */
  apiKey?: string | undefined;
  /** Whether the signature verified; undefined when none was checked (unsigned endpoint, or rejected before). */
  signatureValid: boolean | undefined;
  /** Request weight charged (after the refund successful order requests get). */
  weight: number;
  /** HTTP status sent; 0 when the socket was reset without a response. */
  status: number;
  /** Binance error code of the answer, when it carried one. */
  code?: number | undefined;
  /** The fault that hit the request, if any. */
  fault?: FaultKind | undefined;
}

/** Selects log entries; every given field must match. */
export interface RequestFilter {
  method?: string;
  /** Exact path, or a RegExp tested against it. */
  path?: string | RegExp;
  status?: number;
  code?: number;
  apiKey?: string;
  ip?: string;
  fault?: FaultKind;
  signatureValid?: boolean;
}
