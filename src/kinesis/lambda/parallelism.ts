/**
 * What the event-source mappings say about a stream, and what a batch does about it. The fenced
 * strategy needs one reader per shard at a time; a ParallelizationFactor above 1 (or two mappings
 * of one stream) breaks that proof and would drop records as already applied (README, "Delivery
 * contract").
 */
import type { DeliveryStrategy } from "../../pipeline/Pipeline.js"
import type { EventSourceMapping } from "./LambdaMappings.js"

/** Readers per shard of the batch's stream, as far as the handler knows. */
export type Parallelism =
  /** The mappings were read: this many batches of a shard may run at once. */
  | { readonly _tag: "Known"; readonly readers: number }
  /** They could not be read, or none of them reads this stream; `reason` says which. */
  | { readonly _tag: "Unknown"; readonly reason: string }
  /** Not looked up: outside Lambda, the check is off, or the pipeline never fences. */
  | { readonly _tag: "Unchecked" }

/** How a batch runs given its stream's parallelism. */
export type Decision =
  | { readonly _tag: "AsConfigured" }
  /** `delivery: "auto"` with parallel readers and a claims table: commit with claims. */
  | { readonly _tag: "Claims"; readonly readers: number }
  /** Report every record: fenced commits would lose data, and claims are not possible. */
  | { readonly _tag: "Refuse"; readonly message: string }

// An enhanced fan-out mapping names its consumer: `<stream ARN>/consumer/<name>:<creation time>`.
const readsStream = (mapping: EventSourceMapping, streamArn: string): boolean =>
  mapping.eventSourceArn === streamArn || mapping.eventSourceArn.startsWith(`${streamArn}/consumer/`)

/**
 * Concurrent batches per shard of `streamArn`: the sum of the factors of the enabled mappings that
 * read it (two mappings of one stream are two readers too); 0 when none does.
 *
 * @example
 * readersOf([{ eventSourceArn: arn, parallelizationFactor: 2, state: "Enabled" }], arn) // 2
 */
export const readersOf = (mappings: ReadonlyArray<EventSourceMapping>, streamArn: string): number => {
  let readers = 0
  for (const mapping of mappings) {
    if (mapping.state !== "Disabled" && readsStream(mapping, streamArn)) readers += Math.max(1, mapping.parallelizationFactor)
  }
  return readers
}

/** Whether a pipeline may commit with the fenced strategy (and so needs the check). */
export const mayFence = (delivery: DeliveryStrategy): boolean => delivery === "auto" || delivery === "fenced"

/** What the handler is deciding for: the pipeline, its function, and whether claims are possible. */
export interface DecisionContext {
  readonly pipeline: string
  readonly delivery: DeliveryStrategy
  readonly functionName: string
  readonly streamArn: string
  /** A claims table (a `Deduper`) is configured. */
  readonly claimsAvailable: boolean
  /** An unknown parallelism counts as parallel (`mappingCheck: "strict"`). */
  readonly strict: boolean
}

const cure = (context: DecisionContext) =>
  context.delivery === "fenced"
    ? `set the mapping's ParallelizationFactor to 1, or define the pipeline with delivery "claims" and a claims table (MURMUR_CLAIMS_TABLE)`
    : `set the mapping's ParallelizationFactor to 1, or configure a claims table (MURMUR_CLAIMS_TABLE) so delivery "auto" uses claims`

/**
 * Decides how a batch runs:
 * - parallel readers (or unknown, when strict) with `auto` and a claims table → `Claims`;
 * - the same with `fenced`, or with `auto` and no claims table → `Refuse`, whose message says why
 *   and what to change;
 * - otherwise (one reader, unknown and not strict, unchecked, or a pipeline that never fences)
 *   → `AsConfigured`.
 *
 * @example
 * decide({ _tag: "Known", readers: 2 }, { ...context, delivery: "auto", claimsAvailable: true }) // Claims
 */
export const decide = (parallelism: Parallelism, context: DecisionContext): Decision => {
  if (!mayFence(context.delivery) || parallelism._tag === "Unchecked") return { _tag: "AsConfigured" }
  if (parallelism._tag === "Known" && parallelism.readers <= 1) return { _tag: "AsConfigured" }
  if (parallelism._tag === "Unknown" && !context.strict) return { _tag: "AsConfigured" }
  const readers = parallelism._tag === "Known" ? parallelism.readers : 0
  if (context.delivery === "auto" && context.claimsAvailable) return { _tag: "Claims", readers }
  const why = parallelism._tag === "Known"
    ? `the event-source mappings of function "${context.functionName}" run ${readers} batches of each shard of ${context.streamArn} at once (ParallelizationFactor above 1, or several mappings), and the fenced strategy would drop some of their records as already applied`
    : `the ParallelizationFactor of function "${context.functionName}"'s mapping on ${context.streamArn} could not be read (${parallelism.reason}) and mappingCheck is "strict"`
  return {
    _tag: "Refuse",
    message: `murmur: pipeline "${context.pipeline}" (delivery "${context.delivery}") refuses this batch and reports every record for retry: ${why}. To fix: ${cure(context)}${
      parallelism._tag === "Unknown" ? `, or grant lambda:ListEventSourceMappings` : ""
    }.`
  }
}
