/**
 * Random range-read scenarios shared by the memory, DynamoDB and Redis query tests: sparse rows
 * over a few keys, TTLs of every kind (none, zero, negative, past, expiring during the test, far),
 * late rows into closed buckets, and ranges over and around them.
 */
import fc from "fast-check"
import * as Effect from "effect/Effect"
import { expect } from "vitest"
import { custom } from "../../../src/monoid/custom.js"
import type { Monoid } from "../../../src/monoid/Monoid.js"
import { type RangeTarget, readRanges } from "../../../src/query/readRanges.js"
import type { CacheService } from "../../../src/state/Cache.js"
import type { CommitRequest } from "../../../src/state/Commit.js"
import type { StoreService } from "../../../src/state/Store.js"
import { hourly } from "../../../src/window/Window.js"

/** Hourly bucket ids of 2024: far from zero, as real ones are. */
export const baseBucket = 480_000
export const hourMs = 3_600_000
/** The scenario's "now": 200 hours after the base bucket, 20 minutes into the hour. */
export const startMs = (baseBucket + 200) * hourMs + 20 * 60_000
const startS = Math.floor(startMs / 1000)

export interface SeedRow {
  readonly entity: string
  readonly bucket: number
  readonly value: number
  readonly ttl: number | undefined
}

export interface RangeAsk {
  readonly entities: ReadonlyArray<string>
  readonly lo: number
  readonly hi: number
}

export interface Scenario {
  readonly rows: ReadonlyArray<SeedRow>
  /** Written after the first reads: some into closed (maybe cached) buckets, some into the open one. */
  readonly late: ReadonlyArray<SeedRow>
  readonly asks: ReadonlyArray<RangeAsk>
}

export const entities = ["a", "b", "c/π", "d"]

const ttl = fc.constantFrom<number | undefined>(
  undefined,
  0,
  -5,
  startS - 100, // already expired
  startS + 1800, // expires during the test (its clock moves on by hours)
  startS + 10_000_000
)

const row = (buckets: fc.Arbitrary<number>) =>
  fc.record({ entity: fc.constantFrom(...entities), bucket: buckets, value: fc.integer({ min: 1, max: 1000 }), ttl })

const ask = fc
  .record({
    entities: fc.uniqueArray(fc.constantFrom(...entities, "nobody"), { minLength: 1, maxLength: 5 }),
    lo: fc.integer({ min: baseBucket - 3, max: baseBucket + 201 }),
    length: fc.integer({ min: 2, max: 205 })
  })
  .map(({ entities, length, lo }) => ({ entities, lo, hi: lo + length - 1 }))

/** Sparse rows (at most one per key and bucket), late rows, and ranges reaching past both ends. */
export const scenario: fc.Arbitrary<Scenario> = fc.record({
  rows: fc.uniqueArray(row(fc.integer({ min: baseBucket, max: baseBucket + 200 })), {
    maxLength: 120,
    selector: (r) => `${r.entity} ${r.bucket}`
  }),
  late: fc.array(row(fc.integer({ min: baseBucket + 150, max: baseBucket + 200 })), { maxLength: 12 }),
  asks: fc.array(ask, { minLength: 1, maxLength: 6 })
})

/** Concatenation in bucket order: not commutative, so a fold out of order shows. */
export const joined: Monoid<string> = custom<string>({ name: "joined", empty: "", combine: (left, right) => left + right })

/** A seed row as the value of a numeric or a joined pipeline. */
export const valueAs = {
  number: (r: SeedRow): number => r.value,
  joined: (r: SeedRow): string => `${r.value};`
}

/** Commits one row at least once, as a pipeline with that strategy would. */
export const commitRow = <V>(store: StoreService, table: string, monoid: Monoid<V>, r: SeedRow, value: V) =>
  store.commit<V>({
    pipeline: table,
    table,
    monoid,
    key: { entity: r.entity, bucket: r.bucket },
    ttl: r.ttl,
    strategy: { _tag: "AtLeastOnce" },
    contributions: [{ eventId: `${r.entity}-${r.bucket}-${r.value}`, sequence: undefined, value }]
  } satisfies CommitRequest<V>)

/** Commits rows to the store and merges what was applied into the cache, as the processor does. */
export const writeRows = <V>(
  store: StoreService,
  cache: CacheService | undefined,
  table: string,
  monoid: Monoid<V>,
  rows: ReadonlyArray<SeedRow>,
  valueOf: (r: SeedRow) => V
) =>
  Effect.forEach(rows, (r) =>
    Effect.flatMap(commitRow(store, table, monoid, r, valueOf(r)), ({ applied }) =>
      cache === undefined
        ? Effect.void
        : cache.merge(table, monoid, { entity: r.entity, bucket: r.bucket }, applied, r.ttl)), { discard: true })

/**
 * The scenario moved to the real clock (for real servers, which expire on their own time): its
 * buckets and positive TTLs shift so that "now" falls 20 minutes into the current hour as it would.
 */
export const shiftToNow = (s: Scenario, nowMs: number = Date.now()): Scenario => {
  const nowHour = Math.floor(nowMs / hourMs)
  const by = nowHour - (baseBucket + 200)
  const byS = Math.floor(nowMs / 1000) - startS
  const move = (r: SeedRow): SeedRow => ({
    ...r,
    bucket: r.bucket + by,
    ttl: r.ttl === undefined || r.ttl <= 0 ? r.ttl : r.ttl + byS
  })
  return {
    rows: s.rows.map(move),
    late: s.late.map(move),
    asks: s.asks.map((ask) => ({ ...ask, lo: ask.lo + by, hi: ask.hi + by }))
  }
}

/** One hourly pipeline's range target, read from the store alone (`plain`) and through the cache. */
export const cacheTargets = <V>(monoid: Monoid<V>, name: string, store: string = name) => {
  const plain: RangeTarget<V> = { name, monoid, window: hourly(), store, cache: false }
  return { plain, cached: { ...plain, cache: true } }
}

/** Every ask answered through the cache equals the answer read from the store alone. */
export const sameAnswersThroughCache = <V>(targets: ReturnType<typeof cacheTargets<V>>, s: Scenario) =>
  Effect.forEach(s.asks, (ask) =>
    Effect.gen(function*() {
      const through = yield* readRanges(targets.cached, ask.entities, ask)
      const direct = yield* readRanges(targets.plain, ask.entities, ask)
      expect(through, `${ask.entities.join(",")} ${ask.lo}..${ask.hi}`).toEqual(direct)
    }), { discard: true })
