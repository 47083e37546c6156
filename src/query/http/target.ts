import type * as Query from "../Query.js"

/**
 * Any pipeline, whatever its value type. A registry holds pipelines of different value types, and
 * `Monoid<V>` is invariant in `V`, so the value type is erased here and nowhere else.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyQueryTarget = Query.QueryTarget<any>
