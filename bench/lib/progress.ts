/**
 * Progress on stderr, so stdout stays the report. On a terminal the current line is rewritten in place; in a log
 * (CI, a pipe, the vitest smoke test) each finished run gets one line and updates in between are dropped.
 */
export class Progress {
  readonly #tty = process.stderr.isTTY === true;
  readonly #started = performance.now();
  #open = false;

  /** A transient status ("B2 run 3/5: 12 s of 30"): rewritten in place on a terminal, ignored otherwise. */
  update(text: string): void {
    if (!this.#tty) return;
    process.stderr.write(`\r\x1b[2K${this.#stamp()} ${text}`);
    this.#open = true;
  }

  /** A line that stays: one per finished run. */
  line(text: string): void {
    if (this.#open) process.stderr.write('\r\x1b[2K');
    this.#open = false;
    process.stderr.write(`${this.#stamp()} ${text}\n`);
  }

  /** Calls {@link update} with `text()` every `everyMs` until the returned function is called. */
  ticking(text: () => string, everyMs = 500): () => void {
    const timer = setInterval(() => this.update(text()), everyMs);
    return () => clearInterval(timer);
  }

  /** Seconds since the bench started. */
  get elapsedS(): number {
    return (performance.now() - this.#started) / 1000;
  }

  #stamp(): string {
    return `[${this.elapsedS.toFixed(0).padStart(3)} s]`;
  }
}
