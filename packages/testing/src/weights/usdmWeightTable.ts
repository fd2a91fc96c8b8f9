import annotations from '@binance-errors/core/data/usdm/annotations.json' with { type: 'json' };
import endpoints from '@binance-errors/core/data/usdm/endpoints.json' with { type: 'json' };
import type { EndpointSpec } from './EndpointSpec.ts';
import { WeightTable } from './WeightTable.ts';

// Only data comes from core: Binance's futures endpoint file, and the weights core's annotations give where the
// docs state none (so the fake and the plugin agree on them). Every rule that reads it is implemented here.

const fills: Readonly<Record<string, { weight: number }>> = annotations.endpoints;

/** The USDⓈ-M Futures endpoints shipped with @binance-errors/core, each with a weight. */
export const usdmEndpoints: readonly EndpointSpec[] = (endpoints.endpoints as Omit<EndpointSpec, 'weight'>[]).map(
  (e: Omit<EndpointSpec, 'weight'> & { weight?: number }) => ({
    ...e,
    weight: e.weight ?? fills[`${e.method} ${e.path}`]?.weight ?? 0,
  }),
);

let table: WeightTable | undefined;
/** The shared compiled table for {@link usdmEndpoints}. */
export function usdmWeightTable(): WeightTable {
  table ??= new WeightTable(usdmEndpoints);
  return table;
}
