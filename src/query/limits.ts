import * as Context from "effect/Context"
/** How much one query may read; a guard against a typo turning into a 500,000-row read. */
export interface QueryLimitsService {
  /** Buckets per key in one `window` or `range` query. Default 10,000 (about 7 days of minutes). */
  readonly maxBuckets: number
  /** Rows (distinct keys × buckets) in one query. Default 100,000. */
  readonly maxRows: number
}

/**
 * The limits queries run under. It has defaults, so nothing needs to provide it; override them
 * for one effect with `Effect.provideService(QueryLimits, { maxBuckets, maxRows })`.
 *
 * @example
 * const lastYearOfMinutes = Query.window(pageViews, "home", "365 days").pipe(
 *   Effect.provideService(QueryLimits, { maxBuckets: 600_000, maxRows: 600_000 })
 * )
 */
export class QueryLimits extends Context.Reference<QueryLimits>()("murmur/QueryLimits", {
  defaultValue: (): QueryLimitsService => ({ maxBuckets: 10_000, maxRows: 100_000 })
}) {}
