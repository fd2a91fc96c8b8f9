/** What a pasted response says: its HTTP status and headers when present, and the body. */
export interface PastedResponse {
  status: number | undefined;
  headers: Record<string, string> | undefined;
  body: string;
}

const STATUS_LINE = /^HTTP\/[\d.]+ +(\d{3})\b/;

/**
 * Splits what a user pasted or piped into status, headers and body. Reads the output of `curl -i` (the last
 * response when there were several, as after a redirect or a `100 Continue`); anything else is a bare body.
 */
export function readResponse(text: string): PastedResponse {
  const blocks = text.replace(/\r\n/g, '\n').split(/\n\n/);
  let status: number | undefined;
  let headers: Record<string, string> | undefined;
  let i = 0;
  for (; i < blocks.length; i++) {
    const [first = '', ...lines] = (blocks[i] ?? '').trimStart().split('\n');
    const match = STATUS_LINE.exec(first);
    if (!match) break;
    status = Number(match[1]);
    headers = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  return { status, headers, body: blocks.slice(i).join('\n\n') };
}
