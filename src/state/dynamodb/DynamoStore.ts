import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { StoreError } from "../../errors.js"
import { defaultConflictPolicy, resolveRetryPolicy } from "../../retry/index.js"
import type { CommitOutcome, CommitRequest } from "../Commit.js"
import { Deduper } from "../Deduper.js"
import { Store, type StoreService } from "../Store.js"
import { commitAdd, commitFencedAdd } from "./commitAdd.js"
import { commitCas } from "./commitCas.js"
import { commitClaims } from "./commitClaims.js"
import type { DynamoStateConfig } from "./config.js"
import { DynamoClient } from "./DynamoClient.js"
import { getRow, getRows } from "./read.js"
import { queryRange } from "./readRange.js"

/** Options of the DynamoDB store (the client comes from the `DynamoClient` service). */
export type DynamoStoreOptions = Pick<DynamoStateConfig, "consistentReads" | "conflictRetry">

/**
 * Builds the DynamoDB `Store` on a client. Claims commits need `claimsTable`: the table of the
 * DynamoDB `Deduper`.
 */
export const makeDynamoStore = (
  client: DynamoClient["Type"],
  options: DynamoStoreOptions & { readonly claimsTable?: string | undefined } = {}
): StoreService => {
  const consistent = options.consistentReads ?? false
  const policy = resolveRetryPolicy(options.conflictRetry, defaultConflictPolicy)
  const claimsTable = options.claimsTable
  const commit = <V>(request: CommitRequest<V>): Effect.Effect<CommitOutcome<V>, StoreError> => {
    if (request.contributions.length === 0) {
      return Effect.succeed({ applied: request.monoid.empty, alreadyApplied: [] })
    }
    const strategy = request.strategy
    switch (strategy._tag) {
      case "AtLeastOnce":
        return request.monoid.nativeAdd ? commitAdd(client, request) : commitCas(client, request, undefined, policy)
      case "Fenced":
        return request.monoid.nativeAdd
          ? commitFencedAdd(client, request, strategy.shardId)
          : commitCas(client, request, strategy.shardId, policy)
      case "Claims":
        return claimsTable === undefined
          ? Effect.fail(
            new StoreError({
              operation: "commit",
              transient: false,
              reason: "config",
              message:
                `pipeline ${request.pipeline} uses the claims strategy but no DynamoDB Deduper (claims table) is provided`
            })
          )
          : commitClaims(client, request, claimsTable, strategy.claimTtlSeconds, policy)
    }
  }
  return {
    get: (table, monoid, key) => getRow(client, consistent, table, monoid, key),
    getMany: (table, monoid, keys) => getRows(client, consistent, table, monoid, keys),
    getRange: (table, monoid, entity, range) => queryRange(client, consistent, table, monoid, entity, range),
    commit
  }
}

/**
 * The DynamoDB `Store`. It picks up a `Deduper` from the context when the layer is built (provide
 * `DynamoDeduper.layer` first) and writes claims to its table; without one, Claims commits fail.
 *
 * @example
 * const live = DynamoStore.layer().pipe(
 *   Layer.provide(DynamoDeduper.layer("murmur-claims")),
 *   Layer.provideMerge(DynamoClient.layer({ region: "eu-west-1" }))
 * )
 */
const layer = (options: DynamoStoreOptions = {}): Layer.Layer<Store, never, DynamoClient> =>
  Layer.effect(
    Store,
    Effect.gen(function*() {
      const client = yield* DynamoClient
      const deduper = yield* Effect.serviceOption(Deduper)
      const claimsTable = Option.match(deduper, {
        onNone: () => undefined,
        onSome: (d) => (d.table === "memory" ? undefined : d.table)
      })
      return makeDynamoStore(client, { ...options, claimsTable })
    })
  )

/** The DynamoDB aggregate store's layers. */
export const DynamoStore = { layer, make: makeDynamoStore } as const
