import type { Described } from './Described.ts';
import type { CallOptions } from './transport.ts';

/** The exact secret values of a call that are known before it is signed. */
export function secretsOf(req: Described, call: CallOptions): readonly string[] {
  const own = call.credentials?.secrets ?? NONE;
  if (!req.callerKey && !req.callerSignature) return own;
  const secrets = [...own];
  if (req.callerKey) secrets.push(req.callerKey);
  if (req.callerSignature) secrets.push(...signatureSecrets(req.callerSignature));
  return secrets;
}

const NONE: readonly string[] = Object.freeze([]);

/** A signature as it may come back: raw, and percent-encoded as it sits in a URL. */
export function signatureSecrets(signature: string): [string, string] {
  return [signature, encodeURIComponent(signature)];
}
