import { constants, createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import type { FakeAccount } from './FakeAccount.ts';

/** How one API key's signatures are checked. */
export type Credential = { kind: 'hmac'; secret: string } | { kind: 'ed25519' | 'rsa'; key: KeyObject };

/** Validates an account's key material (TypeError naming `accounts[i]`) and prepares it for verification. */
export function credentialOf(account: FakeAccount, where: string): Credential {
  const hasSecret = account.secret !== undefined;
  const hasKey = account.publicKey !== undefined;
  if (hasSecret === hasKey) {
    throw new TypeError(`${where}: give exactly one of secret (HMAC) or publicKey (Ed25519/RSA PEM)`);
  }
  if (hasSecret) {
    if (typeof account.secret !== 'string' || account.secret === '') {
      throw new TypeError(`${where}.secret must be a non-empty string`);
    }
    return { kind: 'hmac', secret: account.secret };
  }
  let key: KeyObject;
  try {
    const given = account.publicKey!;
    // A private key is accepted too: its public half is what verifies.
    key = typeof given !== 'string' && given.type === 'public' ? given : createPublicKey(given);
  } catch (cause) {
    throw new TypeError(`${where}.publicKey is not a PEM public key or KeyObject`, { cause });
  }
  const type = key.asymmetricKeyType;
  if (type !== 'ed25519' && type !== 'rsa') {
    throw new TypeError(`${where}.publicKey must be an Ed25519 or RSA key, got ${String(type)}`);
  }
  return { kind: type, key };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Checks `signature` (as it appeared on the wire, still percent-encoded) over `payload`, the exact bytes received:
 * the query string without its signature, followed directly by the body.
 * HMAC-SHA256 compares hex case-insensitively; Ed25519 and RSA PKCS#1 v1.5 SHA-256 take base64.
 */
export function verifySignature(cred: Credential, payload: Buffer, signature: string): boolean {
  const decoded = safeDecode(signature);
  if (decoded === undefined || decoded === '') return false;
  if (cred.kind === 'hmac') {
    const expected = Buffer.from(createHmac('sha256', cred.secret).update(payload).digest('hex'));
    const given = Buffer.from(decoded.toLowerCase());
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  const sig = Buffer.from(decoded, 'base64');
  if (sig.length === 0) return false;
  try {
    return cred.kind === 'ed25519'
      ? verify(null, payload, cred.key, sig)
      : verify('sha256', payload, { key: cred.key, padding: constants.RSA_PKCS1_PADDING }, sig);
  } catch {
    return false;
  }
}
