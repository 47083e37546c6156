import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import { StoreError } from "../../errors.js"
import type { CommitOutcome, CommitRequest, Contribution } from "../Commit.js"
import type { RowKey } from "../RowKey.js"
import { combineAll, nothingNew, sequencedContributions, splitAtMark } from "./contributions.js"
import { conditionFailedItem } from "./conditions.js"
import { encodeValue, type Item, keyOf, markAttribute, sequenceValue } from "./row.js"
import { send } from "./send.js"
import { addUpdate } from "./updates.js"

const numericDelta = <V>(request: CommitRequest<V>, delta: V) => {
  const encoded = encodeValue(request.monoid, delta)
  return encoded?.N === undefined
    ? new StoreError({
      operation: "UpdateItem",
      transient: false,
      reason: "config",
      message: `monoid ${request.monoid.name} claims nativeAdd but its value does not encode as a number`
    })
    : encoded
}

/**
 * At-least-once numeric commit: one `UpdateItem ADD v :d` (plus the TTL). A retry after an unknown
 * outcome may count twice: that is what at-least-once means.
 */
export const commitAdd = <V>(client: DynamoDBClient, request: CommitRequest<V>): Effect.Effect<CommitOutcome<V>, StoreError> =>
  Effect.suspend(() => {
    const delta = combineAll(request.monoid, request.contributions)
    const d = numericDelta(request, delta)
    if (d instanceof StoreError) return Effect.fail(d)
    return send("UpdateItem", (abortSignal) =>
      client.send(
        new UpdateItemCommand({ TableName: request.table, Key: keyOf(request.key), ...addUpdate(d, request.ttl) }),
        { abortSignal }
      )).pipe(Effect.as({ applied: delta, alreadyApplied: [] }))
  })

const readMark = (client: DynamoDBClient, table: string, key: RowKey, mark: string) =>
  send("GetItem", (abortSignal) =>
    client.send(
      new GetItemCommand({
        TableName: table,
        Key: keyOf(key),
        ConsistentRead: true,
        ProjectionExpression: "#m",
        ExpressionAttributeNames: { "#m": mark }
      }),
      { abortSignal }
    )).pipe(Effect.map((output): Item | undefined => output.Item))

/**
 * Fenced numeric commit: one `UpdateItem` adds the delta and raises the shard's mark, on condition
 * that the mark is absent or below the first contribution. When the condition fails, the old row
 * (returned by DynamoDB, so no extra read) tells which contributions were applied before; those
 * are dropped and the rest retried. Each retry drops at least one, so the loop ends.
 */
export const commitFencedAdd = <V>(
  client: DynamoDBClient,
  request: CommitRequest<V>,
  shardId: string
): Effect.Effect<CommitOutcome<V>, StoreError> => {
  const sequenced = sequencedContributions(request)
  if (sequenced instanceof StoreError) return Effect.fail(sequenced)
  const mark = markAttribute(shardId)
  type Sequenced = (typeof sequenced)[number]

  const attempt = (
    pending: ReadonlyArray<Sequenced>,
    alreadyApplied: ReadonlyArray<string>
  ): Effect.Effect<CommitOutcome<V>, StoreError> => {
    if (pending.length === 0) return Effect.succeed(nothingNew(request.monoid, alreadyApplied))
    const delta = combineAll(request.monoid, pending as ReadonlyArray<Contribution<V>>)
    const d = numericDelta(request, delta)
    if (d instanceof StoreError) return Effect.fail(d)
    const write = send("UpdateItem", (abortSignal) =>
      client.send(
        new UpdateItemCommand({
          TableName: request.table,
          Key: keyOf(request.key),
          ...addUpdate(d, request.ttl, {
            assignments: ["#m = :last"],
            names: { "#m": mark },
            values: {
              ":first": sequenceValue(pending[0]!.sequence),
              ":last": sequenceValue(pending[pending.length - 1]!.sequence)
            }
          }),
          ConditionExpression: "attribute_not_exists(#m) OR #m < :first",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD"
        }),
        { abortSignal }
      ))
    return write.pipe(
      Effect.as<CommitOutcome<V>>({ applied: delta, alreadyApplied }),
      Effect.catchIf(
        (error) => conditionFailedItem(error) !== undefined,
        (error) =>
          Effect.gen(function*() {
            const failed = conditionFailedItem(error)!
            const item = failed.item ?? (yield* readMark(client, request.table, request.key, mark))
            const { applied, rest } = splitAtMark(pending, item?.[mark]?.S)
            if (applied.length === 0) {
              return yield* Effect.fail(
                new StoreError({
                  operation: "UpdateItem",
                  transient: true,
                  reason: "conflict",
                  message: `fenced commit to ${request.table}: condition failed but the mark is below the delta`
                })
              )
            }
            return yield* attempt(rest, [...alreadyApplied, ...applied.map((c) => c.eventId)])
          })
      )
    )
  }
  return attempt(sequenced, [])
}
