/**
 * The conditions every `Leases` layer keeps, as one scenario run against the memory layer (unit)
 * and the DynamoDB layer (integration).
 */
import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { StoreError } from "../../../src/errors.js"
import type { LeaseRow, LeasesService } from "../../../src/state/Leases.js"

export interface LeaseTable {
  readonly service: LeasesService
  /** The row of one shard of (views, clicks), as stored. */
  readonly row: (shardId: string) => Effect.Effect<LeaseRow | undefined, StoreError>
}

const key = (shardId: string) => ({ app: "views", stream: "clicks", shardId })

/** A take is conditional on the row as observed; the counter rises on every take. */
export const takesAreConditional = (table: LeaseTable, shardId: string) =>
  Effect.gen(function*() {
    const { row, service } = table
    const first = yield* service.take({ key: key(shardId), owner: "a", observed: undefined, expiresAt: 10, parents: [] })
    expect(Option.getOrThrow(first).counter).toBe(1)
    // A second taker that also saw no row loses.
    expect(Option.isNone(yield* service.take({ key: key(shardId), owner: "b", observed: undefined, expiresAt: 10, parents: [] }))).toBe(true)
    const seen = yield* row(shardId)
    yield* service.renew(Option.getOrThrow(first), 20)
    // The row moved (renewed) since it was seen: the take fails.
    expect(Option.isNone(yield* service.take({ key: key(shardId), owner: "b", observed: seen, expiresAt: 30, parents: [] }))).toBe(true)
    const stolen = yield* service.take({ key: key(shardId), owner: "b", observed: yield* row(shardId), expiresAt: 30, parents: ["p"] })
    expect(Option.getOrThrow(stolen).counter).toBe(2)
    expect(yield* row(shardId)).toMatchObject({ owner: "b", counter: 2, expiresAt: 30, parents: ["p"] })
    expect((yield* service.list("views", "clicks")).map((r) => r.shardId)).toContain(shardId)
  })

/** The old owner can neither renew, release nor checkpoint after a take; checkpoints never move back. */
export const oldOwnersAreFenced = (table: LeaseTable, shardId: string) =>
  Effect.gen(function*() {
    const { row, service } = table
    const a = Option.getOrThrow(yield* service.take({ key: key(shardId), owner: "a", observed: undefined, expiresAt: 10, parents: [] }))
    yield* service.checkpoint(a, "100", false)
    const b = Option.getOrThrow(yield* service.take({ key: key(shardId), owner: "b", observed: yield* row(shardId), expiresAt: 10, parents: [] }))
    for (const attempt of [service.renew(a, 99), service.release(a), service.checkpoint(a, "200", false)]) {
      expect(yield* Effect.flip(attempt)).toMatchObject({ _tag: "LeaseLost", owner: "a", holder: "b" })
    }
    expect(yield* row(shardId)).toMatchObject({ owner: "b", sequence: "100", counter: 2 })
    expect(yield* Effect.flip(service.checkpoint(b, "99", false))).toMatchObject({ _tag: "StaleCheckpoint" })
    yield* service.checkpoint(b, undefined, true)
    yield* service.release(b)
    expect(yield* row(shardId)).toMatchObject({ owner: undefined, expiresAt: undefined, finished: true, sequence: "100", counter: 2 })
  })
