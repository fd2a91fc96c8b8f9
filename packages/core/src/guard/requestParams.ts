import type { Described } from './Described.ts';

/** Query and body parameters together, as the exchange reads them. */
export function mergedParams(req: Described): URLSearchParams {
  const params = new URLSearchParams(req.body ?? '');
  for (const [name, value] of req.query) params.append(name, value);
  return params;
}

/** The `newClientOrderId` the request carries, in its query or its body. */
export function clientOrderIdOf(req: Pick<Described, 'query' | 'body'>): string | undefined {
  return req.query.get('newClientOrderId') ?? new URLSearchParams(req.body ?? '').get('newClientOrderId') ?? undefined;
}

/** The caller's own `recvWindow` query parameter, in ms. */
export function recvWindowOf(req: Pick<Described, 'query' | 'unsignedQuery'>): number | undefined {
  const text = req.unsignedQuery;
  if (typeof text === 'string' && !mayCarry(text, 'recvWindow')) return undefined;
  const value = req.query.get('recvWindow');
  return value === null ? undefined : Number(value);
}

/**
 * Whether a query's text (after its `?`) may carry the parameter `name`: it says so, or it percent-encodes
 * something, perhaps the name. A query that cannot is not parsed to find out.
 */
export function mayCarry(search: string, name: string): boolean {
  return search.includes(name) || search.includes('%');
}

/** A client order id of the plugin's own, for an order placement that must be looked up afterwards. */
export function newClientId(): string {
  return `be-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
