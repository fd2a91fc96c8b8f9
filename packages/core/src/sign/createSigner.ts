import { createHmac, createPrivateKey, createSecretKey, type KeyObject, sign } from 'node:crypto';
import { inspect } from 'node:util';

/** The signature algorithms Binance accepts. */
export type SignatureAlgorithm = 'HMAC_SHA256' | 'ED25519' | 'RSA';

/** Signs request payloads. It holds the key in a closure: nothing on it reveals the secret. */
export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  /** HMAC: lower-case hex. Ed25519 and RSA: base64 (percent-encode it when it goes into a query string). */
  sign(payload: string): string;
}

/**
 * Creates a signer from an HMAC secret or an Ed25519/RSA private key (PEM string or KeyObject). RSA keys must be
 * PKCS#8, as Binance requires; signing uses RSASSA-PKCS1-v1_5 with SHA-256.
 *
 * @example
 * ```ts
 * createSigner({ apiSecret }).sign('symbol=BTCUSDT&timestamp=1499827319559'); // 'c8db…' (hex)
 * ```
 */
export function createSigner(options: { apiSecret: string } | { privateKey: string | KeyObject }): Signer {
  if ('apiSecret' in options) {
    const secret = options.apiSecret;
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new TypeError(`apiSecret must be a non-empty string, got ${typeof secret}`);
    }
    // The key is imported once, not on every signature.
    const key = createSecretKey(secret, 'utf8');
    return makeSigner('HMAC_SHA256', (payload) => createHmac('sha256', key).update(payload).digest('hex'));
  }
  const key = toKeyObject(options.privateKey);
  const type = key.asymmetricKeyType;
  if (type === 'ed25519')
    return makeSigner('ED25519', (payload) => sign(null, Buffer.from(payload), key).toString('base64'));
  if (type === 'rsa')
    return makeSigner('RSA', (payload) => sign('sha256', Buffer.from(payload), key).toString('base64'));
  throw new TypeError(`privateKey must be an Ed25519 or RSA private key, got a ${type ?? 'unknown'} key`);
}

function toKeyObject(privateKey: unknown): KeyObject {
  if (typeof privateKey === 'object' && privateKey !== null && (privateKey as KeyObject).type === 'private') {
    return privateKey as KeyObject;
  }
  if (typeof privateKey !== 'string') {
    throw new TypeError(`privateKey must be a PEM string or a private KeyObject, got ${typeof privateKey}`);
  }
  try {
    return createPrivateKey(privateKey);
  } catch {
    // Never echo the key material: the message only says what kind of thing was wrong.
    throw new TypeError('privateKey could not be read: expected a PKCS#8 PEM private key (Ed25519 or RSA)');
  }
}

function makeSigner(algorithm: SignatureAlgorithm, sign: (payload: string) => string): Signer {
  const signer = { algorithm, sign };
  Object.defineProperty(signer, 'sign', { enumerable: false });
  Object.defineProperty(signer, inspect.custom, {
    value: () => `Signer { algorithm: '${algorithm}' }`,
    enumerable: false,
  });
  Object.defineProperty(signer, 'toJSON', { value: () => ({ algorithm }), enumerable: false });
  return Object.freeze(signer);
}
