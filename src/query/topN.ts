import type { EntityValue } from "./Query.js"

/**
 * The `n` largest numeric values, largest first; unset values (`null`, the min/max identity) come
 * last, and equal values are ordered by entity so the answer is stable.
 *
 * @example
 * const pages = yield* Query.windowMany(pageViews, ["/", "/about", "/pricing"], "1 hour")
 * const top = Query.topN(pages, 2) // [{ entity: "/", value: 120 }, { entity: "/pricing", value: 40 }]
 */
export const topN = <V extends number | null>(
  values: ReadonlyArray<EntityValue<V>>,
  n: number
): ReadonlyArray<EntityValue<V>> =>
  [...values]
    .sort((left, right) => {
      if (left.value !== right.value) {
        if (left.value === null) return 1
        if (right.value === null) return -1
        return right.value - left.value
      }
      return left.entity < right.entity ? -1 : left.entity > right.entity ? 1 : 0
    })
    .slice(0, Math.max(0, n))
