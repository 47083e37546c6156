import {
  type AttributeValue,
  type DynamoDBClient,
  TransactWriteItemsCommand,
  type TransactWriteItem
} from "@aws-sdk/client-dynamodb"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { StoreError } from "../../errors.js"
import type { RetryPolicy } from "../../retry/index.js"
import { claimId, type CommitOutcome, type CommitRequest, type Contribution, type Refusal } from "../Commit.js"
import { foldWithin } from "../foldWithin.js"
import { currentValue, readRow } from "./commitCas.js"
import { claimKey } from "./claimKey.js"
import { cancellationReasons } from "./conditions.js"
import { Conflict, retryConflicts } from "./conflict.js"
import { combineAll } from "./contributions.js"
import { attr, encodeValue, type Item, keyOf, versionOf } from "./row.js"
import { send } from "./send.js"
import { addUpdate, liveRow, noAssignments, versionedUpdate } from "./updates.js"

/** TransactWriteItems takes 100 actions: the aggregate row's update plus 99 claims. */
export const claimsPerTransaction = 99

interface ClaimsState<V> {
  readonly pending: ReadonlyArray<Contribution<V>>
  readonly alreadyApplied: ReadonlyArray<string>
  readonly applied: V
  /** Compare-and-swap rows only: contributions refused for good (never claimed). */
  readonly refused: ReadonlyArray<Refusal>
  /** Compare-and-swap rows only: None until read, then the row as last seen (undefined = absent). */
  readonly row: Option.Option<Item | undefined>
}

const cancelled = (table: string, code: string, transient: boolean) =>
  new StoreError({
    operation: "TransactWriteItems",
    transient,
    reason: transient ? "throttled" : code === "ValidationError" ? "validation" : "unknown",
    message: `TransactWriteItems on ${table}: cancelled (${code})`
  })

/**
 * Claims commit: the contributions go in transactions of at most 100 actions, each the aggregate
 * row's update (ADD for numeric sums, else a versioned write of the combined value) plus one
 * conditional `Put` per claim (`attribute_not_exists(pk)`, with a TTL) into the claims table.
 * When a transaction is cancelled, the reasons say which claims exist (applied before: dropped)
 * and whether the row's version moved (re-read from the returned item, retry with backoff).
 */
export const commitClaims = <V>(
  client: DynamoDBClient,
  request: CommitRequest<V>,
  claimsTable: string,
  claimTtlSeconds: number,
  policy: RetryPolicy
): Effect.Effect<CommitOutcome<V>, StoreError> =>
  Effect.gen(function*() {
    const monoid = request.monoid
    const seenIds = new Set<string>()
    const duplicates: Array<string> = []
    const unique = request.contributions.filter((c) => {
      if (seenIds.has(c.eventId)) {
        duplicates.push(c.eventId)
        return false
      }
      seenIds.add(c.eventId)
      return true
    })
    const state = yield* Ref.make<ClaimsState<V>>({
      pending: unique,
      alreadyApplied: duplicates,
      applied: monoid.empty,
      refused: [],
      row: Option.none()
    })

    // One transaction; fails with Conflict when only the row's version (or a concurrent
    // transaction) stood in the way, so the caller backs off.
    const step = Effect.gen(function*() {
      const s = yield* Ref.get(state)
      let chunk: ReadonlyArray<Contribution<V>> = s.pending.slice(0, claimsPerTransaction)
      let delta: V
      const nowMs = yield* Clock.currentTimeMillis
      const nowSeconds = Math.floor(nowMs / 1000)
      let aggregate: TransactWriteItem
      let written: Item | undefined
      if (monoid.nativeAdd) {
        delta = combineAll(monoid, chunk)
        const d = encodeValue(monoid, delta)
        aggregate = {
          Update: { TableName: request.table, Key: keyOf(request.key), ...addUpdate(d ?? { N: "0" }, request.ttl) }
        }
      } else {
        const stored = Option.isSome(s.row) ? s.row.value : yield* readRow(client, request.table, request.key)
        const item = liveRow(stored, nowMs)
        const current = yield* currentValue(request, item)
        const folded = foldWithin(monoid, current, chunk, request.table, request.key, false)
        if (folded.refused.length > 0) {
          // Refused ones are never claimed: they leave `pending` now and are reported at the end.
          const refusedIds = new Set(folded.refused.map((r) => r.eventId))
          yield* Ref.update(state, (current) => ({
            ...current,
            pending: current.pending.filter((c) => !refusedIds.has(c.eventId)),
            refused: [...current.refused, ...folded.refused]
          }))
          if (folded.accepted.length === 0) return
          chunk = folded.accepted
        }
        delta = folded.delta
        const next = encodeValue(monoid, folded.value)
        aggregate = {
          Update: {
            TableName: request.table,
            Key: keyOf(request.key),
            ...versionedUpdate(item, next, request.ttl, noAssignments),
            ReturnValuesOnConditionCheckFailure: "ALL_OLD"
          }
        }
        const version: AttributeValue = { N: String((versionOf(item) ?? 0) + 1) }
        written = { ...item, [attr.version]: version, ...(next === undefined ? {} : { [attr.value]: next }) }
        yield* Ref.update(state, (current) => ({ ...current, row: Option.some(item) }))
      }
      const claims: Array<TransactWriteItem> = chunk.map((c) => ({
        Put: {
          TableName: claimsTable,
          Item: {
            pk: { S: claimKey(claimId(request.pipeline, c.eventId, request.key)) },
            ttl: { N: String(nowSeconds + claimTtlSeconds) }
          },
          // An expired claim that DynamoDB has not deleted yet no longer counts.
          ConditionExpression: "attribute_not_exists(pk) OR #ttl < :now",
          ExpressionAttributeNames: { "#ttl": "ttl" },
          ExpressionAttributeValues: { ":now": { N: String(nowSeconds) } }
        }
      }))
      const outcome = yield* send("TransactWriteItems", (abortSignal) =>
        client.send(new TransactWriteItemsCommand({ TransactItems: [aggregate, ...claims] }), { abortSignal })
      ).pipe(Effect.either)
      if (outcome._tag === "Right") {
        yield* Ref.update(state, (current) => ({
          ...current,
          pending: current.pending.slice(chunk.length),
          applied: monoid.combine(current.applied, delta),
          row: monoid.nativeAdd ? current.row : Option.some(written)
        }))
        return
      }
      const reasons = cancellationReasons(outcome.left)
      if (reasons === undefined) return yield* Effect.fail(outcome.left)
      const codes = reasons.map((reason) => reason.Code ?? "None")
      const claimed = new Set<string>()
      chunk.forEach((c, i) => {
        if (codes[i + 1] === "ConditionalCheckFailed") claimed.add(c.eventId)
      })
      const rowMoved = codes[0] === "ConditionalCheckFailed"
      if (rowMoved) {
        const item = reasons[0]?.Item
        yield* Ref.update(state, (current) => ({ ...current, row: Option.some(item) }))
      }
      if (claimed.size > 0) {
        yield* Ref.update(state, (current) => ({
          ...current,
          pending: current.pending.filter((c) => !claimed.has(c.eventId)),
          alreadyApplied: [...current.alreadyApplied, ...claimed]
        }))
        return
      }
      if (rowMoved || codes.includes("TransactionConflict")) return yield* Effect.fail(new Conflict({ table: request.table }))
      const other = codes.find((code) => code !== "None" && code !== "ConditionalCheckFailed") ?? "unknown reason"
      return yield* Effect.fail(
        cancelled(request.table, other, other === "ThrottlingError" || other === "ProvisionedThroughputExceeded")
      )
    })

    const loop: Effect.Effect<CommitOutcome<V>, StoreError> = Effect.gen(function*() {
      const s = yield* Ref.get(state)
      if (s.pending.length === 0) {
        return s.refused.length === 0
          ? { applied: s.applied, alreadyApplied: s.alreadyApplied }
          : { applied: s.applied, alreadyApplied: s.alreadyApplied, refused: s.refused }
      }
      yield* retryConflicts("TransactWriteItems", policy, step)
      return yield* loop
    })
    return yield* loop
  })
