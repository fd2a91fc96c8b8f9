import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formBody, formContentType } from './formBody.ts';

describe('formBody', () => {
  it('reads strings, bytes and URLSearchParams as the text that will be signed', () => {
    const text = 'symbol=BTCUSDT&side=BUY&quantity=0.01';
    expect(formBody(undefined, 'got')).toBeUndefined();
    expect(formBody(null, 'got')).toBeUndefined();
    expect(formBody(text, 'got')).toBe(text);
    expect(formBody(Buffer.from(text), 'got')).toBe(text);
    // A view into a larger buffer reads only its own bytes.
    const big = Buffer.from(`xx${text}yy`);
    expect(formBody(big.subarray(2, 2 + text.length), 'axios')).toBe(text);
    expect(formBody(new TextEncoder().encode(text).buffer, 'axios')).toBe(text);
    expect(formBody(new URLSearchParams(text), 'axios')).toBe(text);
  });

  it('refuses bodies it could not sign as sent, naming the client and the kind', () => {
    expect(() => formBody(Readable.from(['a=1']), 'got')).toThrow(
      /binance-errors \(got\) cannot sign a request body of type Readable/,
    );
    expect(() => formBody(new FormData(), 'axios')).toThrow(/cannot sign a request body of type FormData/);
    expect(() => formBody(new Blob(['a=1']), 'ky')).toThrow(/cannot sign a request body of type Blob/);
    expect(() => formBody(new ReadableStream(), 'ky')).toThrow(/cannot sign a request body of type ReadableStream/);
    expect(() => formBody(new Map(), 'got')).toThrow(/cannot sign a request body of type Map/);
    expect(() => formBody({ symbol: 'BTCUSDT', list: ['a'] }, 'got')).toThrow(/field "list" is an array/);
    expect(() => formBody({ symbol: { a: 1 } }, 'axios')).toThrow(/field "symbol" is of type Object/);
  });

  it('sends a flat object as form parameters, leaving out null and undefined fields', () => {
    expect(formBody({ symbol: 'BTCUSDT', quantity: 0.01, test: true, skip: undefined, none: null }, 'axios')).toBe(
      'symbol=BTCUSDT&quantity=0.01&test=true',
    );
    const bare = Object.assign(Object.create(null), { a: 'x y' });
    expect(formBody(bare, 'got')).toBe('a=x+y');
  });

  it('sends signed bodies as form parameters unless the caller chose another type', () => {
    const form = 'application/x-www-form-urlencoded';
    expect(formContentType(undefined)).toBe(form);
    expect(formContentType(null)).toBe(form);
    expect(formContentType('')).toBe(form);
    expect(formContentType('text/plain;charset=UTF-8')).toBe(form);
    expect(formContentType(form)).toBeUndefined();
    expect(formContentType(`${form}; charset=utf-8`)).toBeUndefined();
    expect(formContentType('application/json')).toBe(form);
    expect(formContentType('multipart/form-data; boundary=x')).toBeUndefined();
  });
});
