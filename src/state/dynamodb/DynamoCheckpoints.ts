import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { StaleCheckpoint, type StoreError } from "../../errors.js"
import { padSequence, unpadSequence } from "../../record/index.js"
import { type Checkpoint, type CheckpointKey, Checkpoints, type CheckpointsService } from "../Checkpoints.js"
import { conditionFailedItem } from "./conditions.js"
import { DynamoClient } from "./DynamoClient.js"
import type { Item } from "./row.js"
import { send } from "./send.js"

/** Key of a checkpoint item: `pk` = `<app>#<stream>`, `sk` = shard id (both S). */
export const checkpointKeyOf = (key: CheckpointKey): Item => ({
  pk: { S: `${key.app}#${key.stream}` },
  sk: { S: key.shardId }
})

/** A checkpoint item as a `Checkpoint` (the lease layer reads the same items). */
export const toCheckpoint = (item: Item): Checkpoint => ({
  sequence: item["seq"]?.S === undefined ? undefined : unpadSequence(item["seq"].S),
  finished: item["finished"]?.BOOL ?? false,
  owner: item["owner"]?.S,
  leaseCounter: Number(item["leaseCounter"]?.N ?? "0"),
  updatedAt: Number(item["updatedAt"]?.N ?? "0")
})

/**
 * Shard checkpoints in DynamoDB. `save` is one `UpdateItem` on condition that the stored sequence
 * is absent or not above the new one, so a stale writer can never move a checkpoint backward.
 * `owner` and `leaseCounter` are kept for leases; `leaseCounter` starts at 0 and is not raised here.
 */
export const makeDynamoCheckpoints = (client: DynamoDBClient, table: string): CheckpointsService => {
  const get = (key: CheckpointKey): Effect.Effect<Option.Option<Checkpoint>, StoreError> =>
    send("GetItem", (abortSignal) =>
      client.send(new GetItemCommand({ TableName: table, Key: checkpointKeyOf(key), ConsistentRead: true }), {
        abortSignal
      })).pipe(Effect.map((output) => Option.map(Option.fromNullable(output.Item), toCheckpoint)))

  const save: CheckpointsService["save"] = (key, sequence, options) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const assignments = ["#seq = :seq", "#updatedAt = :now", "#leaseCounter = if_not_exists(#leaseCounter, :zero)"]
      const names: Record<string, string> = { "#seq": "seq", "#updatedAt": "updatedAt", "#leaseCounter": "leaseCounter" }
      const values: Item = { ":seq": { S: padSequence(sequence) }, ":now": { N: String(now) }, ":zero": { N: "0" } }
      if (options?.finished !== undefined) {
        assignments.push("#finished = :finished")
        names["#finished"] = "finished"
        values[":finished"] = { BOOL: options.finished }
      }
      if (options?.owner !== undefined) {
        assignments.push("#owner = :owner")
        names["#owner"] = "owner"
        values[":owner"] = { S: options.owner }
      }
      return send("UpdateItem", (abortSignal) =>
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: checkpointKeyOf(key),
            UpdateExpression: `SET ${assignments.join(", ")}`,
            ConditionExpression: "attribute_not_exists(#seq) OR #seq <= :seq",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValuesOnConditionCheckFailure: "ALL_OLD"
          }),
          { abortSignal }
        ))
    }).pipe(
      Effect.asVoid,
      Effect.catchIf(
        (error) => conditionFailedItem(error) !== undefined,
        (error) => {
          const stored = conditionFailedItem(error)?.item?.["seq"]?.S
          return Effect.fail(
            new StaleCheckpoint({
              shardId: key.shardId,
              attempted: sequence,
              message: `checkpoint of ${key.shardId} is already at ${stored === undefined ? "a later sequence" : unpadSequence(stored)}`
            })
          )
        }
      )
    )

  const finish = (key: CheckpointKey): Effect.Effect<void, StoreError> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      send("UpdateItem", (abortSignal) =>
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: checkpointKeyOf(key),
            UpdateExpression:
              "SET #finished = :true, #updatedAt = :now, #leaseCounter = if_not_exists(#leaseCounter, :zero)",
            ExpressionAttributeNames: { "#finished": "finished", "#updatedAt": "updatedAt", "#leaseCounter": "leaseCounter" },
            ExpressionAttributeValues: { ":true": { BOOL: true }, ":now": { N: String(now) }, ":zero": { N: "0" } }
          }),
          { abortSignal }
        ))).pipe(Effect.asVoid)

  return { get, save, finish }
}

/**
 * The DynamoDB `Checkpoints` on a table with `pk` (S) and `sk` (S).
 *
 * @example
 * const checkpoints = DynamoCheckpoints.layer("murmur-checkpoints").pipe(Layer.provide(DynamoClient.layerFromEnv))
 */
const layer = (table: string): Layer.Layer<Checkpoints, never, DynamoClient> =>
  Layer.effect(Checkpoints, Effect.map(DynamoClient, (client) => makeDynamoCheckpoints(client, table)))

/** The `Checkpoints` on the table named by `MURMUR_CHECKPOINTS_TABLE`. */
const layerFromEnv: Layer.Layer<Checkpoints, ConfigError.ConfigError, DynamoClient> = Layer.unwrapEffect(
  Effect.map(Config.nonEmptyString("MURMUR_CHECKPOINTS_TABLE"), layer)
)

/** The DynamoDB checkpoint table's layers. */
export const DynamoCheckpoints = { layer, layerFromEnv, make: makeDynamoCheckpoints } as const
