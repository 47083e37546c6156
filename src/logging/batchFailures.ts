/**
 * One log line per reason a batch did not fully succeed, so a report to the source (Lambda's
 * `batchItemFailures`, a consumer's retry) is never silent. Lines carry where and why (pipeline,
 * shard, sequence range, error tag and the store's message), never record payloads or keys.
 * Typed structurally so this low module needs nothing from the processor.
 */
import * as Effect from "effect/Effect"
/** What this needs of a source record: its position. */
export interface RecordPosition {
  readonly sequence?: string | undefined
}

/** What this needs of a record's outcome (the processor's `RecordOutcome` fits). */
export interface OutcomeLike {
  readonly _tag: string
  readonly error?: unknown
}

interface ErrorShape {
  readonly _tag?: unknown
  readonly message?: unknown
  readonly reason?: unknown
  readonly operation?: unknown
  readonly transient?: unknown
  readonly attempts?: unknown
  readonly cause?: unknown
}

const shapeOf = (error: unknown): ErrorShape => (typeof error === "object" && error !== null ? error : {})

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

/** The error's tag and message, looking through `RetriesExhausted` to the store error under it. */
const describeError = (error: unknown): Record<string, unknown> => {
  const shape = shapeOf(error)
  const cause = shapeOf(shape.cause)
  const described: Record<string, unknown> = {
    error: text(shape._tag) ?? (error instanceof Error ? error.name : "UnknownError"),
    errorMessage: text(shape.message) ?? text(cause.message) ?? "(no message)"
  }
  if (typeof shape.attempts === "number") described.attempts = shape.attempts
  const store = typeof shape.operation === "string" ? shape : typeof cause.operation === "string" ? cause : undefined
  if (store !== undefined) {
    described.operation = store.operation
    described.transient = store.transient === true
  }
  if (text(cause._tag) !== undefined) described.cause = cause._tag
  return described
}

const range = (records: ReadonlyArray<RecordPosition>, indices: ReadonlyArray<number>) => ({
  records: indices.length,
  firstSequence: records[indices[0]!]?.sequence ?? "(none)",
  lastSequence: records[indices[indices.length - 1]!]?.sequence ?? "(none)"
})

/**
 * Logs why records of a batch were not applied: one `Error` line per distinct failure (a row's
 * error covers every record coalesced into it), one `Warning` line for the records not attempted
 * (after an in-order failure, or past the deadline) and one `Warning` line per decode-failure
 * reason (no message: schema messages can quote the payload). Nothing when all succeeded.
 * Records for which `explained(index)` is true are left out (a caller that already logged them,
 * such as a dead-letter path).
 *
 * @example
 * yield* logBatchFailures("page-views", "shardId-000000000000", sourceRecords, result.outcomes)
 * // {"level":"ERROR","message":"records failed","pipeline":"page-views","shard":"shardId-000000000000",
 * //  "records":3,"firstSequence":"4959…01","lastSequence":"4959…09","error":"StoreError",
 * //  "errorMessage":"UpdateItem: ResourceNotFoundException: Requested resource not found",...}
 */
export const logBatchFailures = (
  pipeline: string,
  shard: string | undefined,
  records: ReadonlyArray<RecordPosition>,
  outcomes: ReadonlyArray<OutcomeLike>,
  explained?: (index: number) => boolean
): Effect.Effect<void> =>
  Effect.suspend(() => {
    const failed = new Map<unknown, Array<number>>()
    const decodeFailed = new Map<string, Array<number>>()
    const notAttempted: Array<number> = []
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i]!
      if (explained !== undefined && explained(i)) continue
      if (outcome._tag === "Failed") {
        const group = failed.get(outcome.error)
        if (group === undefined) failed.set(outcome.error, [i])
        else group.push(i)
      } else if (outcome._tag === "NotAttempted") notAttempted.push(i)
      else if (outcome._tag === "DecodeFailed") {
        const reason = text(shapeOf(outcome.error).reason) ?? "unknown"
        const group = decodeFailed.get(reason)
        if (group === undefined) decodeFailed.set(reason, [i])
        else group.push(i)
      }
    }
    if (failed.size === 0 && notAttempted.length === 0 && decodeFailed.size === 0) return Effect.void
    const where = shard === undefined ? { pipeline } : { pipeline, shard }
    const lines: Array<Effect.Effect<void>> = []
    for (const [error, indices] of failed) {
      lines.push(Effect.annotateLogs(Effect.logError("records failed"), { ...where, ...range(records, indices), ...describeError(error) }))
    }
    if (notAttempted.length > 0) {
      lines.push(Effect.annotateLogs(
        Effect.logWarning("records not attempted (after an earlier failure in shard order, or past the deadline)"),
        { ...where, ...range(records, notAttempted) }
      ))
    }
    for (const [reason, indices] of decodeFailed) {
      lines.push(Effect.annotateLogs(Effect.logWarning("records did not decode"), { ...where, ...range(records, indices), reason }))
    }
    return Effect.forEach(lines, (line) => line, { discard: true })
  })
