import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { Redis } from "ioredis"
import { startRedis } from "../../../src/local/redis.js"

const roundTrip = (url: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 }).on("error", () => {})),
    (client) =>
      Effect.tryPromise(async () => {
        await client.connect()
        await client.set("k", Buffer.from([0, 255, 1]))
        return client.getBuffer("k")
      }),
    (client) => Effect.sync(() => client.disconnect())
  )

describe("startRedis (the local redis-server the cache tests use)", () => {
  it.scopedLive("answers on its port with binary-safe values, and stops answering once stopped", () =>
    Effect.gen(function*() {
      const redis = yield* startRedis()
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`)
      const value = yield* roundTrip(redis.url)
      expect(value).toEqual(Buffer.from([0, 255, 1]))
      yield* redis.stop
      const after = yield* Effect.exit(roundTrip(redis.url))
      expect(Exit.isFailure(after)).toBe(true)
    }))
})
