import type { ServerClock } from '../clock/ServerClock.ts';
import type { Signer } from '../sign/createSigner.ts';
import { signRequest } from '../sign/signRequest.ts';
import { steadyNow } from '../time/steadyNow.ts';
import type { Described } from './Described.ts';
import { recvWindowOf } from './requestParams.ts';
import type { Attempt, CallOptions } from './transport.ts';

/**
 * One attempt of `req`, ready to send: the API key where the endpoint wants it, and for a signed request with a
 * signer, a fresh timestamp on the server clock (`Date.now()` without one) and signature computed from the unsigned
 * originals. Records on `req` when that attempt stops being executable, and adds its signature to `state.secrets`.
 */
export function buildAttempt(
  req: Described,
  call: CallOptions,
  number: number,
  purpose: Attempt['purpose'],
  clock: ServerClock | undefined,
  state?: { secrets: readonly string[] },
): Attempt {
  const headers: Record<string, string> = {};
  const apiKey = call.credentials?.apiKey;
  if (apiKey && (req.signed || req.apiKeyOnly)) headers['X-MBX-APIKEY'] = apiKey;
  // The key or a signature never follows a redirect: it would go wherever the Location points.
  const redirect =
    headers['X-MBX-APIKEY'] !== undefined || req.callerKey !== undefined || req.signed ? 'error' : 'follow';
  const signer = req.signed ? call.credentials?.signer : undefined;
  if (!signer) {
    // No credentials: a request that arrives already signed is left exactly as it is.
    const url = req.rawUrl;
    return { method: req.method, url, body: req.body, headers, number, purpose, signal: call.signal, redirect };
  }
  // Signing is a function of its own: without it this one is small enough for V8 to compile into the attempt's
  // code, which nearly every request takes (26 of the guard's 316 cold instruction-cache lines a request, as a
  // call of its own).
  return signedAttempt(req, call, number, purpose, clock, state, headers, signer);
}

/** {@link buildAttempt} of a request the guard signs: stamped on `clock` and signed from the unsigned originals. */
function signedAttempt(
  req: Described,
  call: CallOptions,
  number: number,
  purpose: Attempt['purpose'],
  clock: ServerClock | undefined,
  state: { secrets: readonly string[] } | undefined,
  headers: Record<string, string>,
  signer: Signer,
): Attempt {
  const recvWindow = call.recvWindow ?? recvWindowOf(req) ?? 5000;
  const timestamp = clock ? clock.stamp() : Date.now();
  const signed = signRequest({ query: req.unsignedQuery, body: req.body, timestamp, recvWindow, signer });
  req.expiresAt = timestamp + recvWindow;
  if (clock) req.stampedSyncs = clock.syncs;
  else req.stampOffset = timestamp - steadyNow();
  // Every signature computed is a secret of this call: a server or proxy that echoes it must not get it into an error,
  // raw or as the URL carries it (which for HMAC's hex is the same text).
  if (state) {
    const { signature, encodedSignature } = signed;
    state.secrets =
      encodedSignature === signature ? [...state.secrets, signature] : [...state.secrets, signature, encodedSignature];
  }
  return {
    method: req.method,
    url: `${req.origin}${req.path}?${signed.query}`,
    body: signed.body,
    headers,
    number,
    purpose,
    signal: call.signal,
    redirect: 'error',
  };
}
