import { ErrorCatalog } from './ErrorCatalog.ts';
import { CODES, FILTERS, REASONS, STATUS_MESSAGES } from './usdm.generated.ts';

/** The Binance USDⓈ-M Futures catalog: 201 codes and the three 503 messages with their own meaning. */
export const usdmCatalog: ErrorCatalog = new ErrorCatalog({
  codes: CODES,
  reasons: REASONS,
  filters: FILTERS,
  statusMessages: STATUS_MESSAGES,
});
