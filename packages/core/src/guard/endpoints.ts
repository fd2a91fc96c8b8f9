// Endpoint groups the guard treats specially. Paths are Binance Spot REST paths.

/** Cancels: allowed through an open breaker and ahead of queued requests, so a user can always reduce exposure. */
const CANCELS = new Set(['DELETE /api/v3/order', 'DELETE /api/v3/openOrders', 'DELETE /api/v3/orderList']);

/** Requests that place an order and take `newClientOrderId`, so their outcome can be reconciled by that id. */
const PLACEMENTS = new Set(['POST /api/v3/order', 'POST /api/v3/sor/order']);

/** Whether the request cancels orders. */
export function isCancel(method: string, path: string): boolean {
  return CANCELS.has(`${method} ${path}`);
}

/** Whether the request places a single order that can be looked up by its client order id. */
export function isPlacement(method: string, path: string): boolean {
  return PLACEMENTS.has(`${method} ${path}`);
}

/** Whether the response of this request carries `rateLimits` the limiter can learn from. */
export function isExchangeInfo(method: string, path: string): boolean {
  return method === 'GET' && path === '/api/v3/exchangeInfo';
}
