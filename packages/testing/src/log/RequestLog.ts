import type { RequestFilter, RequestLogEntry } from './RequestLogEntry.ts';

function matches(e: RequestLogEntry, f: RequestFilter): boolean {
  if (f.method !== undefined && f.method.toUpperCase() !== e.method) return false;
  if (f.path !== undefined && (typeof f.path === 'string' ? f.path !== e.path : !f.path.test(e.path))) return false;
  if (f.status !== undefined && f.status !== e.status) return false;
  if (f.code !== undefined && f.code !== e.code) return false;
  if (f.apiKey !== undefined && f.apiKey !== e.apiKey) return false;
  if (f.ip !== undefined && f.ip !== e.ip) return false;
  if (f.fault !== undefined && f.fault !== e.fault) return false;
  return f.signatureValid === undefined || f.signatureValid === e.signatureValid;
}

/** The request log, bounded so a long benchmark cannot grow it without limit. */
export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  private readonly maxEntries: number;
  private nextId = 1;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  /** The id the next entry will get. */
  takeId(): number {
    return this.nextId++;
  }

  push(entry: RequestLogEntry): void {
    if (this.maxEntries === 0) return;
    // Dropping a tenth at a time keeps trimming amortised instead of shifting on every request.
    if (this.entries.length >= this.maxEntries) this.entries.splice(0, Math.max(1, Math.floor(this.maxEntries / 10)));
    this.entries.push(entry);
  }

  filter(f: RequestFilter): RequestLogEntry[] {
    return this.entries.filter((e) => matches(e, f));
  }

  count(f: RequestFilter): number {
    let n = 0;
    for (const e of this.entries) if (matches(e, f)) n++;
    return n;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
