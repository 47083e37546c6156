import * as Duration from "effect/Duration"
/** Bucket sizes, in milliseconds. */
export const granularityMillis = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000
} as const

export type Granularity = keyof typeof granularityMillis

/** A tumbling, epoch-aligned time window with an optional retention. */
export interface Window {
  readonly granularity: Granularity
  readonly granularityMs: number
  /** How long a bucket is kept after it ends; `undefined` keeps it forever (no TTL). */
  readonly retentionMs: number | undefined
}

/** An inclusive range of bucket ids. `lo > hi` means empty. */
export interface BucketRange {
  readonly lo: number
  readonly hi: number
}

const make = (granularity: Granularity, retention: Duration.DurationInput | undefined): Window => ({
  granularity,
  granularityMs: granularityMillis[granularity],
  retentionMs: retention === undefined ? undefined : Duration.toMillis(Duration.decode(retention))
})

/**
 * Minute buckets. `retention` sets a TTL relative to the end of each bucket.
 *
 * @example
 * minute("2 hours")
 */
export const minute = (retention?: Duration.DurationInput): Window => make("minute", retention)

/** Hour buckets, e.g. `hourly("7 days")`. */
export const hourly = (retention?: Duration.DurationInput): Window => make("hour", retention)

/** Day buckets, e.g. `daily("90 days")`. */
export const daily = (retention?: Duration.DurationInput): Window => make("day", retention)

/**
 * The bucket holding an instant: floor(epoch ms / granularity ms), the Go library's id for
 * post-1970 times. Integer maths on safe integers, so no float drift.
 */
export const bucketId = (window: Window, epochMs: number): number => Math.floor(epochMs / window.granularityMs)

/** First millisecond of a bucket. */
export const bucketStart = (window: Window, bucket: number): number => bucket * window.granularityMs

/** Last millisecond of a bucket (inclusive). */
export const bucketEnd = (window: Window, bucket: number): number => (bucket + 1) * window.granularityMs - 1

/**
 * Buckets covering the last `duration` up to `nowMs`: the current partial bucket plus the previous
 * ones, ceil(duration / granularity) buckets in all (at least one).
 */
export const lastN = (window: Window, nowMs: number, duration: Duration.DurationInput): BucketRange => {
  const hi = bucketId(window, nowMs)
  const count = Math.max(1, Math.ceil(Duration.toMillis(Duration.decode(duration)) / window.granularityMs))
  return { lo: hi - count + 1, hi }
}

/** Buckets from the one holding `startMs` to the one holding `endMs`, inclusive. */
export const range = (window: Window, startMs: number, endMs: number): BucketRange => ({
  lo: bucketId(window, startMs),
  hi: bucketId(window, endMs)
})

/** Ids of a range in ascending order. */
export const bucketsOf = ({ lo, hi }: BucketRange): ReadonlyArray<number> => {
  const out: Array<number> = []
  for (let b = lo; b <= hi; b++) out.push(b)
  return out
}

/** TTL (epoch seconds) of a bucket: its end plus the retention, or `undefined` without retention. */
export const ttlSeconds = (window: Window, bucket: number): number | undefined =>
  window.retentionMs === undefined
    ? undefined
    : Math.ceil((bucketStart(window, bucket + 1) + window.retentionMs) / 1000)
