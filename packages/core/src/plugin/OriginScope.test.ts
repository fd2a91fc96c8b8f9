import { describe, expect, it } from 'vitest';
import { OriginScope } from './OriginScope.ts';

describe('OriginScope', () => {
  it("covers Binance's Spot hosts, the client's base URL and the listed origins, and nothing else", () => {
    const scope = new OriginScope(['https://relay.example:8443/some/path']);
    expect(scope.covers('https://api.binance.com/api/v3/order')).toBe(true);
    expect(scope.covers(new URL('https://api3.binance.com/api/v3/time'))).toBe(true);
    expect(scope.covers('https://testnet.binance.vision/api/v3/account')).toBe(true);
    expect(scope.covers('https://relay.example:8443/api/v3/order')).toBe(true);
    expect(scope.covers('https://relay.example/api/v3/order')).toBe(false);
    expect(scope.covers('http://api.binance.com/api/v3/order')).toBe(false);
    expect(scope.covers('https://hooks.slack.com/services/x')).toBe(false);
    expect(scope.covers('https://api.binance.com.evil.example/api/v3/order')).toBe(false);
    expect(scope.covers('http://127.0.0.1:9000/api/v3/order', 'http://127.0.0.1:9000/')).toBe(true);
    expect(scope.covers('http://127.0.0.1:9001/api/v3/order', 'http://127.0.0.1:9000/')).toBe(false);
    expect(scope.covers('not a url')).toBe(false);
  });
});
