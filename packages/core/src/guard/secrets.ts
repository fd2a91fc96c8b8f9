import type { Described } from './Described.ts';
import type { CallOptions } from './transport.ts';

/** The exact secret values of a call that are known before it is signed. */
export function secretsOf(req: Described, call: CallOptions): string[] {
  const secrets = [...(call.credentials?.secrets ?? [])];
  if (req.callerKey) secrets.push(req.callerKey);
  const callerSignature = req.query.get('signature');
  if (callerSignature) secrets.push(...signatureSecrets(callerSignature));
  return secrets;
}

/** A signature as it may come back: raw, and percent-encoded as it sits in a URL. */
export function signatureSecrets(signature: string): [string, string] {
  return [signature, encodeURIComponent(signature)];
}
