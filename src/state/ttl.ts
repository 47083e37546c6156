/**
 * The one expiry rule for aggregate rows, used by every store and cache so they answer alike.
 *
 * A row expires once its `ttl` (epoch seconds) is in the past. A `ttl` of zero or below means
 * "never expires": DynamoDB's TTL process never deletes such rows (it skips values more than five
 * years old), so a reader that hid them would disagree with a scan, a Go worker, and itself after
 * the row is rewritten. Absent and non-numeric TTLs never expire either.
 *
 * @example
 * isExpiredAt(1_700_000_000, Date.now()) // true: November 2023 is past
 * isExpiredAt(0, Date.now()) // false: 0 means no expiry
 */
export const isExpiredAt = (ttlSeconds: number | undefined, nowMs: number): boolean =>
  ttlSeconds !== undefined && ttlSeconds > 0 && ttlSeconds * 1000 < nowMs
