import type { KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { createSigner, type Signer } from '../sign/createSigner.ts';

/** API credentials: an API key with an HMAC secret, or with an Ed25519/RSA private key. */
export interface CredentialOptions {
  apiKey?: string | undefined;
  /** HMAC-SHA256 secret. */
  apiSecret?: string | undefined;
  /** Ed25519 or RSA private key, as a PEM string or a KeyObject. */
  privateKey?: string | KeyObject | undefined;
}

/**
 * Holds an API key and its signer. Nothing on it gives the secret away: no enumerable fields, and
 * `util.inspect` / `JSON.stringify` show only the algorithm.
 */
export class Credentials {
  readonly #apiKey: string | undefined;
  readonly #signer: Signer | undefined;
  readonly #secrets: readonly string[];

  constructor(options: CredentialOptions) {
    const { apiKey, apiSecret, privateKey } = options;
    if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.trim() === '')) {
      throw new TypeError(`apiKey must be a non-empty string, got ${describe(apiKey)}`);
    }
    if (apiSecret !== undefined && (typeof apiSecret !== 'string' || apiSecret.trim() === '')) {
      throw new TypeError(`apiSecret must be a non-empty string, got ${describe(apiSecret)}`);
    }
    if (apiSecret !== undefined && privateKey !== undefined) {
      throw new TypeError('apiSecret and privateKey were both given: pass one (HMAC secret or Ed25519/RSA key)');
    }
    if ((apiSecret !== undefined || privateKey !== undefined) && apiKey === undefined) {
      throw new TypeError(
        'apiKey is required with apiSecret or privateKey: Binance identifies the key by X-MBX-APIKEY',
      );
    }
    // As sent: clients trim a header's value, so a server that echoes the key echoes it trimmed, which redaction must
    // then still find.
    this.#apiKey = apiKey?.trim();
    this.#signer =
      apiSecret !== undefined
        ? createSigner({ apiSecret })
        : privateKey !== undefined
          ? createSigner({ privateKey })
          : undefined;
    this.#secrets = [this.#apiKey, apiSecret, typeof privateKey === 'string' ? privateKey : undefined].filter(
      (s): s is string => s !== undefined,
    );
  }

  /** The API key, for the `X-MBX-APIKEY` header. */
  get apiKey(): string | undefined {
    return this.#apiKey;
  }

  /** Signs payloads; `undefined` without a secret or private key. */
  get signer(): Signer | undefined {
    return this.#signer;
  }

  /** The exact secret values, so that errors can scrub them wherever they appear. */
  get secrets(): readonly string[] {
    return this.#secrets;
  }

  toJSON(): { algorithm: string | undefined; hasApiKey: boolean } {
    return { algorithm: this.#signer?.algorithm, hasApiKey: this.#apiKey !== undefined };
  }

  [inspect.custom](): string {
    return `Credentials { algorithm: ${this.#signer?.algorithm ?? 'none'}, apiKey: ${this.#apiKey ? '[REDACTED]' : 'none'} }`;
  }
}

function describe(value: unknown): string {
  return value === '' ? 'an empty string' : typeof value;
}
