import { createEndpointTable } from './endpointTable.ts';
import type { EndpointTable } from './types.ts';
import { USDM_ENDPOINTS } from './usdmEndpoints.generated.ts';

/**
 * The bundled Binance USDⓈ-M Futures endpoint table (95 REST endpoints under `/fapi/` and `/futures/data/`), keyed
 * by `"METHOD /fapi/v1/path"`. Read-only by convention; derive a patched copy with
 * `createEndpointTable(overrides, usdmEndpointTable)`.
 */
export const usdmEndpointTable: EndpointTable = createEndpointTable(USDM_ENDPOINTS, new Map());
