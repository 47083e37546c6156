import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { StoreError } from "../../errors.js"
import type { RetryPolicy } from "../../retry/index.js"
import type { CommitOutcome, CommitRequest, Contribution } from "../Commit.js"
import type { RowKey } from "../RowKey.js"
import { conditionFailedItem } from "./conditions.js"
import { Conflict, retryConflicts } from "./conflict.js"
import { foldWithin } from "../foldWithin.js"
import { nothingNew, sequencedContributions, splitAtMark, withRefusals } from "./contributions.js"
import { attr, decodeValue, encodeValue, type Item, keyOf, markAttribute, sequenceValue } from "./row.js"
import { send } from "./send.js"
import { liveRow, noAssignments, versionedUpdate } from "./updates.js"

/** Consistent read of a whole row (value, version, marks); `undefined` when absent. */
export const readRow = (client: DynamoDBClient, table: string, key: RowKey) =>
  send("GetItem", (abortSignal) =>
    client.send(new GetItemCommand({ TableName: table, Key: keyOf(key), ConsistentRead: true }), { abortSignal })
  ).pipe(Effect.map((output): Item | undefined => output.Item))

/**
 * The row's current value, or the identity for an absent row or an unset value. A stored value
 * that does not decode is the row's fault, not the contributions' (reason `unknown`: not split).
 */
export const currentValue = <V>(request: CommitRequest<V>, item: Item | undefined): Either.Either<V, StoreError> =>
  Either.match(decodeValue(request.monoid, item?.[attr.value]), {
    onLeft: (message) =>
      Either.left(new StoreError({ operation: "commit", transient: false, reason: "unknown", message: `${request.table}: ${message}` })),
    onRight: (value) => Either.right(value === undefined ? request.monoid.empty : value)
  })

/**
 * Compare-and-swap commit for monoids without a native add: read the row (consistently), drop the
 * contributions at or below the shard's mark (fenced), combine, and write value, mark and version
 * + 1 on condition that the version is still the one read. A lost race returns the new row
 * (`ALL_OLD`), so the retry needs no extra read; retries back off with full jitter, bounded.
 */
export const commitCas = <V>(
  client: DynamoDBClient,
  request: CommitRequest<V>,
  shardId: string | undefined,
  policy: RetryPolicy
): Effect.Effect<CommitOutcome<V>, StoreError> =>
  Effect.gen(function*() {
    let ordered: ReadonlyArray<Contribution<V> & { readonly sequence?: string | undefined }> = request.contributions
    if (shardId !== undefined) {
      const sequenced = sequencedContributions(request)
      if (sequenced instanceof StoreError) return yield* Effect.fail(sequenced)
      ordered = sequenced
    }
    const mark = shardId === undefined ? undefined : markAttribute(shardId)
    // None until the row is read; afterwards the row as last seen (undefined = absent).
    const seen = yield* Ref.make(Option.none<Item | undefined>())

    const attempt = Effect.gen(function*() {
      const known = yield* Ref.get(seen)
      const stored = Option.isSome(known) ? known.value : yield* readRow(client, request.table, request.key)
      const item = liveRow(stored, yield* Clock.currentTimeMillis)
      const split = mark === undefined
        ? { applied: [], rest: ordered }
        : splitAtMark(ordered as ReadonlyArray<Contribution<V> & { readonly sequence: string }>, item?.[mark]?.S)
      const alreadyApplied = split.applied.map((c) => c.eventId)
      if (split.rest.length === 0) return nothingNew(request.monoid, alreadyApplied)
      const current = yield* currentValue(request, item)
      const folded = foldWithin(request.monoid, current, split.rest, request.table, request.key, mark !== undefined)
      const outcome = withRefusals<V>({ applied: folded.delta, alreadyApplied }, folded)
      if (folded.accepted.length === 0) return outcome
      const last = folded.accepted[folded.accepted.length - 1]!.sequence
      const update = versionedUpdate(
        item,
        encodeValue(request.monoid, folded.value),
        request.ttl,
        mark === undefined || last === undefined
          ? noAssignments
          : { assignments: ["#m = :last"], names: { "#m": mark }, values: { ":last": sequenceValue(last) } }
      )
      return yield* send("UpdateItem", (abortSignal) =>
        client.send(
          new UpdateItemCommand({
            TableName: request.table,
            Key: keyOf(request.key),
            ...update,
            ReturnValuesOnConditionCheckFailure: "ALL_OLD"
          }),
          { abortSignal }
        )).pipe(
          Effect.as(outcome),
          Effect.catchIf(
            (error) => conditionFailedItem(error) !== undefined,
            (error) =>
              Effect.zipRight(
                Ref.set(seen, Option.some(conditionFailedItem(error)!.item)),
                Effect.fail(new Conflict({ table: request.table }))
              )
          )
        )
    })
    return yield* retryConflicts("UpdateItem", policy, attempt)
  })
