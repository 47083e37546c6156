import * as Either from "effect/Either"
import { InvalidPipeline } from "../errors.js"
import type { Monoid } from "../monoid/Monoid.js"
import type { Window } from "../window/Window.js"

/**
 * How a pipeline keeps the exactly-once promise (see README, "Delivery contract").
 * - `auto`: `fenced` when the batch comes in order from one shard, `claims` otherwise.
 * - `fenced`: per-shard sequence high-water marks on each aggregate row; needs in-order input.
 * - `claims`: dedup rows written atomically with the deltas they cover; any order.
 * - `at-least-once`: no protection; a redelivered record counts again.
 */
export type DeliveryStrategy = "auto" | "fenced" | "claims" | "at-least-once"

/** What a user writes to define a pipeline. */
export interface PipelineDefinition<E, V> {
  readonly name: string
  /** One key per event. Give this or `keys`. */
  readonly key?: (event: E) => string
  /** Several keys per event (hierarchical rollups). Give this or `key`. */
  readonly keys?: (event: E) => ReadonlyArray<string>
  /** The delta an event contributes. Optional for `count` (each event counts 1). */
  readonly value?: (event: E) => V
  readonly monoid?: Monoid<V>
  /** Time buckets; without one every key has a single all-time row (bucket 0). */
  readonly window?: Window
  /**
   * The event's own time (epoch ms), which places it in its window bucket. Default: the source's
   * time (Kinesis `ApproximateArrivalTimestamp`), which shifts late events into later buckets.
   */
  readonly eventTime?: (event: E) => number
  /** Where the aggregates live: a DynamoDB table name, or a namespace of the in-memory store. */
  readonly store?: string
  /** Also merge into the Cache service after each commit (never authoritative). Default false. */
  readonly cache?: boolean
  /** Default `auto`. */
  readonly delivery?: DeliveryStrategy
  /** How long a dedup claim is kept (claims strategy), in seconds. Default 7 days. */
  readonly claimRetentionSeconds?: number
}

/** A validated, immutable pipeline. */
export interface Pipeline<E, V> {
  readonly name: string
  readonly keysOf: (event: E) => ReadonlyArray<string>
  readonly valueOf: (event: E) => V
  readonly monoid: Monoid<V>
  readonly window: Window | undefined
  readonly eventTime: ((event: E) => number) | undefined
  readonly store: string
  readonly cache: boolean
  readonly delivery: DeliveryStrategy
  readonly claimRetentionSeconds: number
}

const defaultClaimRetentionSeconds = 7 * 24 * 3600

const invalid = (pipeline: string, missing: InvalidPipeline["missing"], message: string) =>
  Either.left(new InvalidPipeline({ pipeline, missing, message }))

/**
 * Validates a definition into an immutable pipeline, or names what is missing.
 *
 * @example
 * const pageViews = definePipeline({
 *   name: "page-views",
 *   key: (e: { page: string }) => e.page,
 *   monoid: count,
 *   window: hourly("7 days"),
 *   store: "aggregates"
 * })
 */
export const definePipeline = <E, V>(
  definition: PipelineDefinition<E, V>
): Either.Either<Pipeline<E, V>, InvalidPipeline> => {
  const name = definition.name?.trim() ?? ""
  if (name === "") return invalid("", "name", "a pipeline needs a non-empty name")
  if (definition.key === undefined && definition.keys === undefined) {
    return invalid(name, "key extractor", `pipeline "${name}" needs a key or keys extractor`)
  }
  if (definition.key !== undefined && definition.keys !== undefined) {
    return invalid(name, "key extractor", `pipeline "${name}" takes a key or a keys extractor, not both`)
  }
  if (definition.monoid === undefined) return invalid(name, "monoid", `pipeline "${name}" needs a monoid`)
  const monoid = definition.monoid
  let valueOf = definition.value
  if (valueOf === undefined) {
    if (monoid.kind !== "count") {
      return invalid(name, "value extractor", `pipeline "${name}" needs a value extractor`)
    }
    valueOf = countsOne as unknown as (event: E) => V
  }
  if (definition.store === undefined || definition.store.trim() === "") {
    return invalid(name, "store", `pipeline "${name}" needs a store (table name)`)
  }
  const single = definition.key
  const keysOf = single !== undefined ? (event: E) => [single(event)] : definition.keys!
  return Either.right(Object.freeze({
    name,
    keysOf,
    valueOf,
    monoid,
    window: definition.window === undefined ? undefined : Object.freeze({ ...definition.window }),
    eventTime: definition.eventTime,
    store: definition.store,
    cache: definition.cache ?? false,
    delivery: definition.delivery ?? "auto",
    claimRetentionSeconds: definition.claimRetentionSeconds ?? defaultClaimRetentionSeconds
  }))
}

const countsOne = () => 1

/** Like `definePipeline`, for definitions known to be valid (examples, tests): throws `InvalidPipeline`. */
export const pipeline = <E, V>(definition: PipelineDefinition<E, V>): Pipeline<E, V> =>
  Either.getOrThrowWith(definePipeline(definition), (error) => error)
