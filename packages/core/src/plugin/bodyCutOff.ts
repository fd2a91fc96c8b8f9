/**
 * The error an adapter raises when a response's body ended before it was whole (the connection closed mid-body).
 * The guard types it as a network failure whose outcome is unknown — the request arrived and may have executed —
 * and its message says the body was cut off, with the status and the length the server announced.
 */
export function bodyCutOff(status: number, announcedLength: unknown, cause: unknown): Error {
  const announced =
    announcedLength === undefined || announcedLength === null ? '' : `, ${announcedLength} bytes announced`;
  return Object.assign(
    new Error(`the response body (HTTP ${status}${announced}) was cut off before it ended`, { cause }),
    { code: 'ERR_BODY_CUT_OFF' },
  );
}
