// The exchange's own wording, copied from the Spot API docs.
// messages.test.ts checks every literal here against those files so a typo cannot slip in.

/** Exact `msg` strings the fake answers with, keyed by what they mean. */
export const MSG = {
  unknown: 'An unknown error occurred while processing the request.',
  timeout: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
  serverBusy: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
  unsupportedOperation: 'This operation is not supported.',
  unsupportedOrderCombination: 'Unsupported order combination.',
  timestampAhead: "Timestamp for this request was 1000ms ahead of the server's time.",
  outsideRecvWindow: 'Timestamp for this request is outside of the recvWindow.',
  invalidSignature: 'Signature for this request is not valid.',
  illegalChars: 'Illegal characters found in a parameter.',
  duplicateParam: 'Duplicate values for a parameter detected.',
  unknownParam: 'An unknown parameter was sent.',
  badOptionalCombo: 'Combination of optional parameters invalid.',
  invalidTif: 'Invalid timeInForce.',
  invalidOrderType: 'Invalid orderType.',
  invalidSide: 'Invalid side.',
  emptyNewClientOrderId: 'New client order ID was empty.',
  invalidInterval: 'Invalid interval.',
  invalidSymbol: 'Invalid symbol.',
  invalidTickerType: 'Invalid ticker type.',
  tifNotRequired: 'TimeInForce parameter sent when not required.',
  duplicateSymbols: 'Symbol is present multiple times in the list.',
  noSuchOrder: 'Order does not exist.',
  badApiKeyFormat: 'API-key format invalid.',
  rejectedApiKey: 'Invalid API-key, IP, or permissions for action.',
  cancelReplacePartial: 'Order cancel-replace partially failed.',
  cancelReplaceFailed: 'Order cancel-replace failed.',
  insufficientBalance: 'Account has insufficient balance for requested action.',
  duplicateOrder: 'Duplicate order sent.',
  unknownOrder: 'Unknown order sent.',
  wouldMatchAndTake: 'Order would immediately match and take.',
} as const;

/** -1102 for one missing or malformed parameter. */
export function mandatoryParam(name: string): string {
  return `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`;
}

/** -1102 when one of two alternative parameters must be present. */
export function eitherParam(a: string, b: string): string {
  return `Param '${a}' or '${b}' must be sent, but both were empty/null!`;
}

/** -1102 for a value above its documented maximum (recvWindow > 60000). */
export function greaterThan(name: string, max: number): string {
  return `'${name}' contains unexpected value. Cannot be greater than ${max}.`;
}

/** -1100 for a value with characters its type does not allow. */
export function illegalChars(name: string, legalRange: string): string {
  return `Illegal characters found in parameter '${name}'; legal range is '${legalRange}'.`;
}

/** -1106 for a parameter that the order type does not take. */
export function notRequired(name: string): string {
  return `Parameter '${name}' sent when not required.`;
}

/** -1111 for more decimals than the exchange keeps (8). */
export function tooMuchPrecision(name: string): string {
  return `Parameter '${name}' has too much precision.`;
}

/** -1130 for a value outside its allowed set or range. */
export function invalidParamData(name: string): string {
  return `Data sent for parameter '${name}' is not valid.`;
}

/** -1013 for an order rejected by one of the symbol's filters. */
export function filterFailure(filter: string): string {
  return `Filter failure: ${filter}`;
}

/** -1003 on 429: `limit` and `per` are e.g. `6000` and `1 MINUTE`. */
export function tooMuchWeight(limit: number, per: string): string {
  return `Too much request weight used; current limit is ${limit} request weight per ${per}. Please use WebSocket Streams for live updates to avoid polling the API.`;
}

/** -1003 on 418: `until` is the ban's end, epoch ms. */
export function ipBanned(until: number): string {
  return `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`;
}

/** -1015 on 429: `limit` and `per` are e.g. `50` and `10 SECOND`. */
export function tooManyOrders(limit: number, per: string): string {
  return `Too many new orders; current limit is ${limit} orders per ${per}.`;
}
