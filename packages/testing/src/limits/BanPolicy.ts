/**
 * When a client that keeps sending after 429s gets banned (418), and for how long.
 *
 * Binance's docs only say bans follow "not backing off after 429s" and scale "from 2 minutes to 3 days"; the exact
 * trigger is not documented, so it is configurable here.
 */
export interface BanPolicy {
  /**
   * How many 429 answers for the same limit one client may get in one window; the next over-limit request in
   * that window is answered 418 and starts a ban. `1` bans on the second over-limit request.
   * @default 3
   */
  after429s?: number;
  /**
   * Ban lengths in ms, escalating per client: the first ban lasts `durationsMs[0]`, the second `durationsMs[1]`,
   * and so on; the last entry repeats.
   * @default [120000, 600000, 3600000, 86400000, 259200000] (2 min, 10 min, 1 h, 1 day, 3 days)
   */
  durationsMs?: readonly number[];
}

/** Defaults for {@link BanPolicy}. */
export const DEFAULT_BAN_POLICY: Readonly<Required<BanPolicy>> = Object.freeze({
  after429s: 3,
  durationsMs: Object.freeze([120_000, 600_000, 3_600_000, 86_400_000, 259_200_000]),
});
