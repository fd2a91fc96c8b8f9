/** How an endpoint's weight depends on its parameters: the `rule` object of endpoints.json. */
export type WeightRule =
  | { type: 'ranges'; param: string; default: number; max?: number; ranges: [number, number | null, number][] }
  | {
      type: 'symbols';
      param: string;
      single?: { param: string; weight: number };
      none?: number;
      any?: number;
      ranges?: [number, number | null, number][];
    }
  | {
      type: 'perItem';
      param: string;
      perItem: number;
      cap?: number;
      capAfterCount?: number;
      single?: { param: string; weight: number };
      other?: { param: string; weight: number }[];
      none?: number;
      maxItems?: number;
    }
  | { type: 'param'; param: string; present: number; absent: number }
  | { type: 'cases'; cases: { when: string; weight: number }[] }
  /** A separate per-IP limit (futures): the weight is the entry's own. */
  | { type: 'sharedLimit' | 'ownLimit'; limit: number; intervalNum: number; interval: string; sharedWith?: string[] };

/** One row of endpoints.json (the data file shared with core). */
export interface EndpointSpec {
  method: string;
  path: string;
  /** Weight without parameters, or with the defaults the rule names. */
  weight: number;
  security: 'NONE' | 'API_KEY' | 'SIGNED' | (string & {});
  rule?: WeightRule;
  /** Unfilled order count the endpoint adds (ORDERS limits). */
  unfilledOrderCount?: number;
  /** Orders added per ORDERS limit, keyed by interval (`{ '10S': 5, '1M': 1 }`), as the futures file writes them. */
  orderRateLimit?: Record<string, number>;
  /** Weight charged when the request succeeds (0 for order requests since 2026-04-02). */
  weightOnSuccess?: number;
  deprecated?: boolean;
  note?: string;
}
