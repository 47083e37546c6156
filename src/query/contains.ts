/**
 * Membership reads of a `bloom` pipeline: whether a key's filter may hold an element, all-time or
 * over the last duration (the buckets' filters are merged first, so a week is seven days' OR).
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { InvalidKey, RangeTooLarge, StoreError, WindowRequired } from "../errors.js"
import { type Bloom, bloomContains } from "../monoid/sketch/bloom.js"
import type { Store } from "../state/Store.js"
import { type Instant, type QueryTarget, value, window, type WindowQueryError } from "./Query.js"

/** The pipeline asked for membership does not keep a `bloom` filter. */
export class NotBloom extends Data.TaggedError("NotBloom")<{
  readonly pipeline: string
  readonly message: string
}> {}

/** Errors of `contains`. */
export type ContainsError = NotBloom | WindowRequired | WindowQueryError | InvalidKey | RangeTooLarge | StoreError

/** Options of `contains`: a windowed pipeline needs `last`. */
export interface ContainsOptions {
  /** Merge the filters of the last `duration` (the current bucket and the ones before it). */
  readonly last?: Duration.DurationInput | undefined
  /** The instant `last` ends at; default the `Clock`'s now. */
  readonly now?: Instant | undefined
}

/**
 * Whether `entity`'s filter may contain `element`: `false` is certain, `true` is wrong about as
 * often as the filter's false-positive rate (at its capacity). All-time for a pipeline without
 * buckets; over `last` for a windowed one. Fails with `NotBloom` for any other monoid.
 *
 * @example
 * const seen = yield* Query.contains(visitors, "/pricing", "user-42")
 * const seenThisWeek = yield* Query.contains(dailyVisitors, "/pricing", "user-42", { last: "7 days" })
 */
export const contains = <V>(
  target: QueryTarget<V>,
  entity: string,
  element: string,
  options: ContainsOptions = {}
): Effect.Effect<boolean, ContainsError, Store> => {
  if (target.monoid.kind !== "bloom") {
    return Effect.fail(
      new NotBloom({
        pipeline: target.name,
        message: `pipeline "${target.name}" keeps ${target.monoid.name}, not a bloom filter: membership needs bloom()`
      })
    )
  }
  const filter: Effect.Effect<V, ContainsError, Store> = options.last === undefined
    ? value(target, entity)
    : window(target, entity, options.last, options.now)
  return Effect.map(filter, (found) => bloomContains(found as Bloom, element))
}
