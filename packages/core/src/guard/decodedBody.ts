import { brotliDecompressSync, gunzipSync, inflateSync, type ZlibOptions } from 'node:zlib';
import { headerValue } from '../common/headerValue.ts';
import type { ResponseView } from './transport.ts';

/** The most a compressed body is inflated to: Binance's answers are a few kB; an error's far less. */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024;

const DECODERS: Record<string, (bytes: Uint8Array, options: ZlibOptions) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/**
 * The view's body, decompressed when a client handed over the bytes of an answer still in its `Content-Encoding`
 * (axios or got with `decompress: false`, a fetch that does not decompress): the guard reads an error's code, the
 * clock's time and an order's answer from them. The body as it is otherwise, and when the bytes do not decode (a
 * client that decompressed them and kept the header; a body cut off).
 */
export function decodedBody(view: ResponseView): unknown {
  const body = view.body;
  if (!(body instanceof Uint8Array || body instanceof ArrayBuffer)) return body;
  const encoding = headerValue(view.headers, 'content-encoding', 'Content-Encoding');
  const decode = typeof encoding === 'string' ? DECODERS[encoding.trim().toLowerCase()] : undefined;
  if (!decode) return body;
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
  // JSON as it is: decompressed already by the client, which left the header.
  if (bytes[0] === OPEN_BRACE || bytes[0] === OPEN_BRACKET) return body;
  try {
    return decode(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    return body;
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
