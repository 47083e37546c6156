import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Checkpoints } from "../../../src/state/Checkpoints.js"
import { DynamoCheckpoints, DynamoClient, makeDynamoCheckpoints } from "../../../src/state/dynamodb/index.js"
import { createLocalTables, localClient, run, runError } from "./local.js"

const table = "murmur-ddb-checkpoints"
const client = localClient()
const checkpoints = makeDynamoCheckpoints(client, table)
const key = (shardId: string) => ({ app: "app", stream: "events", shardId })
const seq = (n: number) => `4959033827149025660855969253836157109592157598913658${String(n).padStart(4, "0")}`

beforeAll(() => createLocalTables(client, { checkpointsTable: table }))
afterAll(() => client.destroy())

describe("DynamoDB checkpoints", () => {
  it("is absent before the first save, then holds the sequence as given", async () => {
    expect(await run(checkpoints.get(key("fresh")))).toEqual(Option.none())
    await run(checkpoints.save(key("fresh"), seq(1), { owner: "worker-1" }))
    const saved = Option.getOrThrow(await run(checkpoints.get(key("fresh"))))
    expect(saved).toMatchObject({ sequence: seq(1), finished: false, owner: "worker-1", leaseCounter: 0 })
    expect(saved.updatedAt).toBeGreaterThan(0)
  })

  it("moves forward only: an older sequence fails with StaleCheckpoint, an equal one is a no-op", async () => {
    await run(checkpoints.save(key("forward"), seq(10)))
    await run(checkpoints.save(key("forward"), seq(20)))
    await run(checkpoints.save(key("forward"), seq(20)))
    const stale = await runError(checkpoints.save(key("forward"), seq(15)))
    expect(stale).toMatchObject({ _tag: "StaleCheckpoint", shardId: "forward", attempted: seq(15) })
    expect(Option.getOrThrow(await run(checkpoints.get(key("forward")))).sequence).toBe(seq(20))
    // Numeric order, not string order: a shorter number is smaller.
    await run(checkpoints.save(key("widths"), "99"))
    await run(checkpoints.save(key("widths"), "100"))
    expect(Exit.isFailure(await Effect.runPromiseExit(checkpoints.save(key("widths"), "99")))).toBe(true)
  })

  it("concurrent writers leave the highest checkpoint", async () => {
    await run(Effect.forEach(shuffledRange(40), (n) => Effect.either(checkpoints.save(key("race"), seq(n))), { concurrency: 8 }))
    expect(Option.getOrThrow(await run(checkpoints.get(key("race")))).sequence).toBe(seq(39))
  })

  it("finish marks a shard finished with or without a sequence, keeping the sequence", async () => {
    await run(checkpoints.finish(key("closed-empty")))
    expect(Option.getOrThrow(await run(checkpoints.get(key("closed-empty"))))).toMatchObject({ sequence: undefined, finished: true })
    await run(checkpoints.save(key("closed"), seq(5)))
    await run(checkpoints.save(key("closed"), seq(6), { finished: true }))
    await run(checkpoints.finish(key("closed")))
    expect(Option.getOrThrow(await run(checkpoints.get(key("closed"))))).toMatchObject({ sequence: seq(6), finished: true })
  })

  it("keys by application and stream: the same shard of another app is independent", async () => {
    await run(checkpoints.save({ app: "a1", stream: "s", shardId: "shard-0" }, seq(9)))
    await run(checkpoints.save({ app: "a2", stream: "s", shardId: "shard-0" }, seq(1)))
    expect(Option.getOrThrow(await run(checkpoints.get({ app: "a2", stream: "s", shardId: "shard-0" }))).sequence).toBe(seq(1))
  })

  it("is available as a layer", async () => {
    const saved = await run(
      Effect.gen(function*() {
        const service = yield* Checkpoints
        yield* service.save(key("layer"), seq(3))
        return yield* service.get(key("layer"))
      }).pipe(Effect.provide(DynamoCheckpoints.layer(table)), Effect.provide(DynamoClient.layer({ client })))
    )
    expect(Option.getOrThrow(saved).sequence).toBe(seq(3))
  })
})

function shuffledRange(n: number): Array<number> {
  // Deterministic interleaving: even numbers ascending, then odd ones descending.
  const evens = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0)
  const odds = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1).reverse()
  return [...odds.slice(0, n / 4), ...evens, ...odds.slice(n / 4)]
}
