import * as Context from "effect/Context"
/** How queries read the store. */
export interface QueryReadsService {
  /** Keys read at once (one DynamoDB `Query` each) by a window or range over many keys. Default 16. */
  readonly concurrency: number
}

/**
 * The read settings queries run under; it has defaults, so nothing needs to provide it.
 *
 * @example
 * Query.windowMany(pageViews, pages, "7 days").pipe(Effect.provideService(QueryReads, { concurrency: 32 }))
 */
export class QueryReads extends Context.Reference<QueryReads>()("murmur/QueryReads", {
  defaultValue: (): QueryReadsService => ({ concurrency: 16 })
}) {}
