import endpoints from '@binance-errors/core/data/endpoints.json' with { type: 'json' };
import type { EndpointSpec } from './EndpointSpec.ts';
import { WeightTable } from './WeightTable.ts';

// Only the data file comes from core (it is the one generated copy of the docs' weights); every rule that reads it
// is implemented in this package.

/** The endpoint weights shipped with @binance-errors/core, as compiled once per process. */
export const defaultEndpoints: readonly EndpointSpec[] = endpoints as EndpointSpec[];

let table: WeightTable | undefined;

/** The shared compiled table for {@link defaultEndpoints}. */
export function defaultWeightTable(): WeightTable {
  table ??= new WeightTable(defaultEndpoints);
  return table;
}
