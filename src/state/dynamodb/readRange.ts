import { type DynamoDBClient, QueryCommand, type QueryCommandOutput } from "@aws-sdk/client-dynamodb"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { StoreError } from "../../errors.js"
import type { Monoid } from "../../monoid/Monoid.js"
import type { BucketRange } from "../../window/Window.js"
import type { BucketRow } from "../Store.js"
import { valueOfItem } from "./read.js"
import { attr, type Item, ttlOf } from "./row.js"
import { send } from "./send.js"

// Only what a fold needs: the bucket, the value and its expiry (not the shard marks or versions,
// which can be most of a small row's bytes, and DynamoDB bills a Query by the bytes it reads back).
const rangeQuery = {
  KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :lo AND :hi",
  ProjectionExpression: "#sk, #v, #ttl",
  ExpressionAttributeNames: { "#pk": attr.pk, "#sk": attr.sk, "#v": attr.value, "#ttl": attr.ttl }
}

/**
 * The rows of one entity in `range`, ascending: one `Query` on the sort key, following
 * `LastEvaluatedKey` past each 1 MB page. Expired rows (not yet deleted by DynamoDB) are dropped.
 *
 * @example
 * const rows = yield* queryRange(client, false, "aggregates", count, "/pricing", { lo: 480_000, hi: 480_167 })
 */
export const queryRange = <V>(
  client: DynamoDBClient,
  consistent: boolean,
  table: string,
  monoid: Monoid<V>,
  entity: string,
  range: BucketRange
): Effect.Effect<ReadonlyArray<BucketRow<V>>, StoreError> => {
  if (range.hi < range.lo) return Effect.succeed([])
  const page = (start: Item | undefined) =>
    send("Query", (abortSignal) =>
      client.send(
        new QueryCommand({
          TableName: table,
          ConsistentRead: consistent,
          ExclusiveStartKey: start,
          ExpressionAttributeValues: {
            ":pk": { S: entity },
            ":lo": { N: String(range.lo) },
            ":hi": { N: String(range.hi) }
          },
          ...rangeQuery
        }),
        { abortSignal }
      ))
  const items: Array<Item> = []
  const pages = (start: Item | undefined): Effect.Effect<void, StoreError> =>
    Effect.flatMap(page(start), (output: QueryCommandOutput) => {
      if (output.Items !== undefined) for (const item of output.Items) items.push(item)
      return output.LastEvaluatedKey === undefined ? Effect.void : pages(output.LastEvaluatedKey)
    })
  return Effect.zipRight(
    Effect.suspend(() => pages(undefined)),
    Effect.flatMap(Clock.currentTimeMillis, (nowMs) => {
      const rows: Array<BucketRow<V>> = []
      for (const item of items) {
        const value = valueOfItem("Query", monoid, item, nowMs)
        if (Either.isLeft(value)) return Either.left(value.left)
        if (Option.isSome(value.right)) rows.push({ bucket: Number(item[attr.sk]?.N), value: value.right.value, ttl: ttlOf(item) })
      }
      return Either.right(rows)
    })
  )
}
