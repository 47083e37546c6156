import { BatchGetItemCommand, type DynamoDBClient, GetItemCommand, type KeysAndAttributes } from "@aws-sdk/client-dynamodb"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { StoreError } from "../../errors.js"
import type { Monoid } from "../../monoid/Monoid.js"
import { type RetryPolicy, retrySchedule } from "../../retry/index.js"
import { type RowKey, rowKeyId } from "../RowKey.js"
import { attr, decodeValue, isExpired, type Item, keyOf } from "./row.js"
import { send } from "./send.js"

/** BatchGetItem takes at most 100 keys. */
export const batchGetLimit = 100

/** How long `getMany` keeps asking for `UnprocessedKeys` (the Go library's 8 attempts, 50 ms–5 s). */
export const unprocessedKeysPolicy: RetryPolicy = { maxAttempts: 8, baseMs: 50, capMs: 5_000 }

const projection = {
  ProjectionExpression: "#pk, #sk, #v, #ttl",
  ExpressionAttributeNames: { "#pk": attr.pk, "#sk": attr.sk, "#v": attr.value, "#ttl": attr.ttl }
}

/** A fetched row's value: `None` when absent, expired or without a value; `Left` when malformed. */
export const valueOfItem = <V>(
  operation: string,
  monoid: Monoid<V>,
  item: Item | undefined,
  nowMs: number
): Either.Either<Option.Option<V>, StoreError> => {
  if (item === undefined || isExpired(item, nowMs)) return Either.right(Option.none())
  return Either.match(decodeValue(monoid, item[attr.value]), {
    onLeft: (message) => Either.left(new StoreError({ operation, transient: false, message: `${operation}: ${message}` })),
    onRight: (value) => Either.right(value === undefined ? Option.none() : Option.some(value))
  })
}

/** One row's value; `None` when absent, expired, or without a value. */
export const getRow = <V>(
  client: DynamoDBClient,
  consistent: boolean,
  table: string,
  monoid: Monoid<V>,
  key: RowKey
): Effect.Effect<Option.Option<V>, StoreError> =>
  Effect.flatMap(
    send("GetItem", (abortSignal) =>
      client.send(
        new GetItemCommand({ TableName: table, Key: keyOf(key), ConsistentRead: consistent, ...projection }),
        { abortSignal }
      )),
    (output) => Effect.flatMap(Clock.currentTimeMillis, (now) => valueOfItem("GetItem", monoid, output.Item, now))
  )

/** Internal: a BatchGetItem round left keys unprocessed (DynamoDB's answer to throttling). */
class UnprocessedKeysLeft extends Data.TaggedError("UnprocessedKeysLeft")<{ readonly left: number }> {}

/**
 * Fetches up to 100 distinct keys of one table, asking again (full-jitter backoff, bounded) for
 * the ones DynamoDB leaves unprocessed. Rows and claims are both read through it.
 */
export const batchGetChunk = (
  client: DynamoDBClient,
  table: string,
  request: KeysAndAttributes
): Effect.Effect<ReadonlyArray<Item>, StoreError> =>
  Effect.suspend(() => {
    const found: Array<Item> = []
    let pending: KeysAndAttributes = request
    const round = Effect.suspend(() =>
      send("BatchGetItem", (abortSignal) =>
        client.send(new BatchGetItemCommand({ RequestItems: { [table]: pending } }), { abortSignal }))
    ).pipe(
      Effect.flatMap((output) => {
        found.push(...(output.Responses?.[table] ?? []))
        const rest = output.UnprocessedKeys?.[table]
        if (rest?.Keys === undefined || rest.Keys.length === 0) return Effect.void
        pending = rest
        return Effect.fail(new UnprocessedKeysLeft({ left: rest.Keys.length }))
      })
    )
    // Only "keys left over" is retried here; throttling and the like go to the caller.
    return round.pipe(
      Effect.retry({ schedule: retrySchedule(unprocessedKeysPolicy), while: (error) => error._tag === "UnprocessedKeysLeft" }),
      Effect.catchTag("UnprocessedKeysLeft", ({ left }) =>
        Effect.fail(
          new StoreError({
            operation: "BatchGetItem",
            transient: true,
            message:
              `BatchGetItem on ${table}: ${left} keys still unprocessed after ${unprocessedKeysPolicy.maxAttempts} attempts`
          })
        )),
      Effect.as(found)
    )
  })

const fetchChunk = (client: DynamoDBClient, consistent: boolean, table: string, keys: ReadonlyArray<RowKey>) =>
  batchGetChunk(client, table, { Keys: keys.map(keyOf), ConsistentRead: consistent, ...projection })

/**
 * Values of many rows in input order, `None` for absent or expired ones: BatchGetItem in chunks
 * of 100 distinct keys (duplicates are fetched once), a few chunks at a time.
 */
export const getRows = <V>(
  client: DynamoDBClient,
  consistent: boolean,
  table: string,
  monoid: Monoid<V>,
  keys: ReadonlyArray<RowKey>
): Effect.Effect<ReadonlyArray<Option.Option<V>>, StoreError> => {
  if (keys.length === 0) return Effect.succeed([])
  const distinct = new Map<string, RowKey>()
  for (const key of keys) distinct.set(rowKeyId(key), key)
  const chunks = Chunk.chunksOf(Chunk.fromIterable(distinct.values()), batchGetLimit)
  return Effect.forEach(chunks, (chunk) => fetchChunk(client, consistent, table, Chunk.toReadonlyArray(chunk)), {
    concurrency: 4
  }).pipe(
    Effect.flatMap((results) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const byKey = new Map<string, Item>()
        for (const items of results) {
          for (const item of items) {
            byKey.set(rowKeyId({ entity: item[attr.pk]?.S ?? "", bucket: Number(item[attr.sk]?.N) }), item)
          }
        }
        return Effect.forEach(keys, (key) => valueOfItem("BatchGetItem", monoid, byKey.get(rowKeyId(key)), now))
      })
    )
  )
}
