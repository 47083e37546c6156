import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Deduper, type DeduperService } from "../Deduper.js"
import { claimKey } from "./claimKey.js"
import { DynamoClient } from "./DynamoClient.js"
import { batchGetChunk } from "./read.js"
import { isExpired } from "./row.js"

/**
 * The claims table of the `claims` strategy on DynamoDB: key `pk` (S) = claim id, `ttl` (N). The
 * Store writes claims in its commit transactions; `claimed` reads them (consistently, expired
 * claims count as absent).
 */
export const makeDynamoDeduper = (client: DynamoDBClient, table: string): DeduperService => ({
  table,
  claimed: (ids) => {
    // Stored key -> the claim ids asked for (long ids are stored hashed).
    const byKey = new Map<string, string>()
    for (const id of ids) byKey.set(claimKey(id), id)
    const distinct = Array.from(byKey.keys())
    if (distinct.length === 0) return Effect.succeed(new Set<string>())
    return Effect.forEach(Chunk.chunksOf(Chunk.fromIterable(distinct), 100), (chunk) =>
      batchGetChunk(client, table, { Keys: Chunk.toReadonlyArray(chunk).map((id) => ({ pk: { S: id } })), ConsistentRead: true }), { concurrency: 4 }).pipe(
        Effect.flatMap((results) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            const claimed = new Set<string>()
            for (const items of results) {
              for (const item of items) {
                const id = byKey.get(item["pk"]?.S ?? "")
                if (id !== undefined && !isExpired(item, now)) claimed.add(id)
              }
            }
            return claimed as ReadonlySet<string>
          })
        )
      )
  }
})

/**
 * The DynamoDB `Deduper` on a claims table.
 *
 * @example
 * DynamoStore.layer().pipe(Layer.provide(DynamoDeduper.layer("murmur-claims")))
 */
const layer = (table: string): Layer.Layer<Deduper, never, DynamoClient> =>
  Layer.effect(Deduper, Effect.map(DynamoClient, (client) => makeDynamoDeduper(client, table)))

/** The `Deduper` on the table named by `MURMUR_CLAIMS_TABLE`. */
const layerFromEnv: Layer.Layer<Deduper, ConfigError.ConfigError, DynamoClient> = Layer.unwrapEffect(
  Effect.map(Config.nonEmptyString("MURMUR_CLAIMS_TABLE"), layer)
)

/** The DynamoDB claims table's layers. */
export const DynamoDeduper = { layer, layerFromEnv, make: makeDynamoDeduper } as const
