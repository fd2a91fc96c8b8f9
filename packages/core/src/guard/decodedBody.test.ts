import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodedBody } from './decodedBody.ts';

const JSON_BODY = '{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}';
const text = (body: unknown) => Buffer.from(body as Uint8Array).toString();

describe('decodedBody', () => {
  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decodes %s bytes, in whatever case and shape the headers come', (encoding, compress) => {
    const bytes = compress(JSON_BODY);
    expect(text(decodedBody({ status: 400, headers: { 'content-encoding': encoding }, body: bytes }))).toBe(JSON_BODY);
    const headers = new Headers({ 'Content-Encoding': ` ${encoding.toUpperCase()} ` });
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(text(decodedBody({ status: 400, headers, body: buffer }))).toBe(JSON_BODY);
  });

  it('leaves a body as it is when there is nothing to decode, or it does not decode', () => {
    const plain = Buffer.from(JSON_BODY);
    // Decompressed by the client, which kept the header.
    expect(decodedBody({ status: 400, headers: { 'content-encoding': 'gzip' }, body: plain })).toBe(plain);
    const corrupt = gzipSync(JSON_BODY).subarray(0, 12);
    expect(decodedBody({ status: 400, headers: { 'content-encoding': 'gzip' }, body: corrupt })).toBe(corrupt);
    const zipped = gzipSync(JSON_BODY);
    expect(decodedBody({ status: 400, headers: { 'content-encoding': 'zstd' }, body: zipped })).toBe(zipped);
    expect(decodedBody({ status: 400, headers: {}, body: zipped })).toBe(zipped);
    expect(decodedBody({ status: 400, headers: { 'content-encoding': 'gzip' }, body: JSON_BODY })).toBe(JSON_BODY);
  });

  it('does not inflate a bomb past 4 MiB', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(decodedBody({ status: 500, headers: { 'content-encoding': 'gzip' }, body: bomb })).toBe(bomb);
  });
});
