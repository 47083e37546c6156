/**
 * The Redis / Valkey `Cache` on ioredis: folded blocks of closed buckets as plain string keys
 * (see `keys.ts`, `encoding.ts`), each expiring at its own instant, merged into by commits with a
 * compare-and-set script. Never the truth: every failure is a `StoreError` the callers turn into a
 * metric, and a block can always be dropped safely.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Cluster, Redis } from "ioredis"
import { StoreError } from "../../errors.js"
import type { Monoid } from "../../monoid/Monoid.js"
import { blocksContaining, type FoldedBlock, mergesInto } from "../blocks.js"
import { Cache, type CachePolicy, type CacheService, defaultCachePolicy, type EntityBlocks } from "../Cache.js"
import type { RowKey } from "../RowKey.js"
import { isExpiredAt } from "../ttl.js"
import { decodeCached, encodeCached } from "./encoding.js"
import { blockKey } from "./keys.js"
import { mergeScript } from "./mergeScript.js"

/** A connected ioredis client: standalone, Sentinel-backed, or a Cluster. */
export type RedisClient = Redis | Cluster

/** Options of the Redis cache. */
export interface RedisCacheOptions {
  /** Key prefix. Default `murmur`. */
  readonly keyPrefix?: string
  /** Grace before a bucket is served from the cache, and the longest a block lives. */
  readonly policy?: Partial<CachePolicy>
  /** Compare-and-set attempts of a merge before it drops the blocks instead. Default 5. */
  readonly mergeAttempts?: number
}

/** Options of `RedisCache.layer`: where Redis is, or a client to use as is. */
export interface RedisCacheLayerOptions extends RedisCacheOptions {
  /** e.g. `redis://127.0.0.1:6379` (also `rediss://`, with credentials). Default `MURMUR_REDIS_URL`, else localhost. */
  readonly url?: string
  /** Use this client (Sentinel, Cluster, TLS, ...) instead; the layer never closes it. */
  readonly client?: RedisClient
  /** Per-command timeout of a client built here, so a stalled Redis falls back fast. Default 250 ms. */
  readonly commandTimeoutMs?: number
  /** How long the layer waits for a client built here to connect before going on without it. Default 1 s. */
  readonly connectWaitMs?: number
}

const failure = (operation: string, cause: unknown) =>
  new StoreError({ operation, transient: true, message: `${operation}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

const call = <A>(operation: string, run: () => Promise<A>): Effect.Effect<A, StoreError> =>
  Effect.tryPromise({ try: run, catch: (cause) => failure(operation, cause) })

/**
 * The cache on a client. Every command goes out at once (ioredis pipelines concurrent commands when
 * `enableAutoPipelining` is on, as in clients built by `layer`), so a 200-key read is one round trip.
 *
 * @example
 * const cache = RedisCache.make(new Redis("redis://127.0.0.1:6379", { enableAutoPipelining: true }))
 */
export const make = (client: RedisClient, options: RedisCacheOptions = {}): CacheService => {
  const prefix = options.keyPrefix ?? "murmur"
  const policy: CachePolicy = { ...defaultCachePolicy, ...options.policy }
  const attempts = options.mergeAttempts ?? 5

  // A cluster answers MGET within one slot only: one per entity (its blocks share a hash tag).
  // A single server takes every key in one MGET, which saves a reply per entity.
  const fetch = async (table: string, wanted: ReadonlyArray<EntityBlocks>): Promise<Array<Array<Buffer | null>>> => {
    if (client instanceof Cluster) {
      return Promise.all(wanted.map(({ blocks, entity }) =>
        blocks.length === 0 ? Promise.resolve([]) : client.mgetBuffer(blocks.map((block) => blockKey(prefix, table, entity, block)))
      ))
    }
    const keys = wanted.flatMap(({ blocks, entity }) => blocks.map((block) => blockKey(prefix, table, entity, block)))
    const values = keys.length === 0 ? [] : await client.mgetBuffer(keys)
    let next = 0
    return wanted.map(({ blocks }) => values.slice(next, (next += blocks.length)))
  }

  const getBlocks = <V>(table: string, monoid: Monoid<V>, wanted: ReadonlyArray<EntityBlocks>) =>
    call("cache.getBlocks", () => fetch(table, wanted)).pipe(
        Effect.flatMap((replies) =>
          Effect.try({
            try: () =>
              replies.map((values) =>
                values.map((stored) => (stored === null ? Option.none<V>() : Option.some(decodeCached(monoid, stored))))
              ),
            catch: (cause) => failure("cache.getBlocks", cause)
          })
        )
      )

  const putBlocks = <V>(table: string, monoid: Monoid<V>, entity: string, blocks: ReadonlyArray<FoldedBlock<V>>) =>
    Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (nowMs) =>
      call("cache.putBlocks", () =>
        Promise.all(blocks.filter((folded) => folded.expiresAtMs > nowMs).map(({ block, expiresAtMs, value }) =>
          client.set(blockKey(prefix, table, entity, block), encodeCached(monoid, value), "PXAT", expiresAtMs)
        ))))

  // Reads every block holding the bucket; combines the delta into those held (or drops the wide
  // ones of a non-commutative monoid), and sets them only if none changed meanwhile.
  const mergeOnce = <V>(table: string, monoid: Monoid<V>, key: RowKey, delta: V, rowExpiryMs: number) => {
    const blocks = blocksContaining(key.bucket)
    const keys = blocks.map((block) => blockKey(prefix, table, key.entity, block))
    return call("cache.merge", () => client.mgetBuffer(keys)).pipe(
      Effect.flatMap((current) => {
        const held: Array<string> = []
        const args: Array<string | Buffer> = [String(rowExpiryMs)]
        for (let i = 0; i < blocks.length; i++) {
          const stored = current[i]
          if (stored === null || stored === undefined) continue
          held.push(keys[i]!)
          if (mergesInto(monoid, blocks[i]!)) {
            args.push("s", stored, encodeCached(monoid, monoid.combine(decodeCached(monoid, stored), delta)))
          } else args.push("d", stored, "")
        }
        if (held.length === 0) return Effect.succeed(true)
        return call("cache.merge", () => client.eval(mergeScript, held.length, ...held, ...args)).pipe(
          Effect.map((applied) => applied === 1)
        )
      })
    )
  }

  const dropBlocks = (table: string, key: RowKey) =>
    call("cache.merge", () =>
      client.del(...blocksContaining(key.bucket).map((block) => blockKey(prefix, table, key.entity, block))))

  const merge = <V>(table: string, monoid: Monoid<V>, key: RowKey, delta: V, ttl: number | undefined) =>
    Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (nowMs) => {
      // A row already expired stays invisible to reads: nothing to merge.
      if (isExpiredAt(ttl, nowMs)) return Effect.void
      const rowExpiryMs = ttl !== undefined && ttl > 0 ? ttl * 1000 : 0
      const attempt = (left: number): Effect.Effect<void, StoreError> =>
        Effect.flatMap(mergeOnce(table, monoid, key, delta, rowExpiryMs), (applied) => {
          if (applied) return Effect.void
          // Contended past the bound: forget the blocks (always safe; the next read refills them).
          return left > 1 ? attempt(left - 1) : Effect.asVoid(dropBlocks(table, key))
        })
      return attempt(attempts)
    })

  return { policy, getBlocks, putBlocks, merge }
}

// Fails fast while disconnected (no offline queue, one attempt per command, a short timeout), so
// queries fall back to the store at once; reconnects in the background with a capped backoff.
const buildClient = (url: string, commandTimeoutMs: number): Redis => {
  const client = new Redis(url, {
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    retryStrategy: (times) => Math.min(times * 100, 2_000)
  })
  // Connection errors also fail the commands in flight, which report them; no process-level noise.
  client.on("error", () => {})
  return client
}

const waitUntilReady = (client: Redis, waitMs: number) =>
  Effect.async<void>((resume) => {
    if (client.status === "ready") return resume(Effect.void)
    const ready = () => resume(Effect.void)
    client.once("ready", ready)
    return Effect.sync(() => client.off("ready", ready))
  }).pipe(Effect.timeoutOption(waitMs), Effect.asVoid)

/**
 * The Redis cache as a layer. A client built here is closed with the layer; when Redis is not up
 * yet the layer still builds (after `connectWaitMs`), and queries read the store until it is.
 *
 * @example
 * const live = Layer.mergeAll(DynamoState.layer(config), RedisCache.layer({ url: "redis://cache:6379" }))
 */
export const layer = (options: RedisCacheLayerOptions = {}): Layer.Layer<Cache> =>
  Layer.scoped(
    Cache,
    Effect.gen(function*() {
      if (options.client !== undefined) return make(options.client, options)
      const url = options.url ?? process.env["MURMUR_REDIS_URL"] ?? "redis://127.0.0.1:6379"
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => buildClient(url, options.commandTimeoutMs ?? 250)),
        (client) => Effect.sync(() => client.disconnect())
      )
      yield* waitUntilReady(client, options.connectWaitMs ?? 1_000)
      return make(client, options)
    })
  )
