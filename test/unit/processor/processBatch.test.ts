import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { InvalidConfig } from "../../../src/errors.js"
import { count, custom, type Monoid, max, set, setOf, sum } from "../../../src/monoid/index.js"
import { type Pipeline, pipeline, type PipelineDefinition } from "../../../src/pipeline/index.js"
import { schemaDecoder, processBatch, processRecord } from "../../../src/processor/index.js"
import type { BatchOptions, RecordOutcome, SourceRecord } from "../../../src/processor/types.js"
import { rowKeyId } from "../../../src/state/RowKey.js"
import * as Window from "../../../src/window/index.js"
import { makeHarness, recordsOf, type View, views } from "./support.js"

const ViewSchema = Schema.Struct({ page: Schema.String, user: Schema.String, n: Schema.Number })
const decoder = schemaDecoder(ViewSchema)

const define = <V>(definition: Omit<PipelineDefinition<View, V>, "name" | "store">) =>
  pipeline<View, V>({ name: "views", store: "aggregates", ...definition })

const tags = (outcomes: ReadonlyArray<RecordOutcome>) => outcomes.map((outcome) => outcome._tag)

/** Totals per row id, folded in record order with the monoid: what exactly-once must produce. */
const expectedTotals = <V>(
  events: ReadonlyArray<View>,
  keysOf: (event: View) => ReadonlyArray<string>,
  valueOf: (event: View) => V,
  monoid: Monoid<V>
): Map<string, V> => {
  const totals = new Map<string, V>()
  for (const event of events) {
    for (const key of new Set(keysOf(event))) {
      const id = rowKeyId({ entity: key, bucket: 0 })
      totals.set(id, monoid.combine(totals.get(id) ?? monoid.empty, valueOf(event)))
    }
  }
  return totals
}

const storedTotals = (harness: ReturnType<typeof makeHarness>): Map<string, unknown> =>
  new Map(harness.state.store.control.rows("aggregates").map((row) => [rowKeyId(row.key), row.value]))

const run = <V>(
  harness: ReturnType<typeof makeHarness>,
  p: Pipeline<View, V>,
  records: ReadonlyArray<SourceRecord>,
  options?: BatchOptions
) => processBatch(p, decoder, records, options).pipe(Effect.provide(harness.layer))

const joined = custom<ReadonlyArray<number>>({
  name: "joined",
  empty: [],
  combine: (left, right) => [...left, ...right]
})

describe("processBatch", () => {
  it.effect("counts each record once per key and reports every record", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const records = recordsOf(views(30))
      const result = yield* run(harness, define({ key: (e) => e.page, monoid: count }), records)
      expect(tags(result.outcomes)).toEqual(Array(30).fill("Succeeded"))
      expect([...storedTotals(harness).values()]).toEqual([10, 10, 10])
      expect(harness.metrics.counter("views")).toBe(30)
      expect(harness.metrics.snapshot().latencies["views/store_merge"]?.count).toBe(3)
    }))

  const monoids: ReadonlyArray<readonly [string, Monoid<unknown>, (e: View) => unknown]> = [
    ["sum", sum as Monoid<unknown>, (e) => e.n],
    ["max", max as Monoid<unknown>, (e) => e.n],
    ["set", set as Monoid<unknown>, (e) => setOf(e.user, `n${e.n % 4}`)],
    ["joined (custom, not commutative)", joined as Monoid<unknown>, (e) => [e.n]],
    ["joined (custom, additive)", custom({ ...joined, additive: true }) as Monoid<unknown>, (e) => [e.n]]
  ]
  for (const [name, monoid, valueOf] of monoids) {
    for (const shardId of [undefined, "shardId-000"]) {
      it.effect(`gives exact totals for ${name}, ${shardId ? "fenced" : "claims"}, and redelivery changes nothing`, () =>
        Effect.gen(function*() {
          const harness = makeHarness()
          const keysOf = (e: View) => [e.page, `user:${e.user}`, "all"]
          const p = define({ keys: keysOf, value: valueOf, monoid })
          const events = views(25)
          const records = recordsOf(events)
          const first = yield* run(harness, p, records, { shardId })
          expect(tags(first.outcomes)).toEqual(Array(25).fill("Succeeded"))
          const again = yield* run(harness, p, records, { shardId })
          expect(tags(again.outcomes)).toEqual(Array(25).fill("Duplicate"))
          expect(harness.metrics.counter("views:dedup_skip")).toBe(25)
          expect(storedTotals(harness)).toEqual(expectedTotals(events, keysOf, valueOf, monoid))
        }))
    }
  }

  it.effect("coalesces additive deltas: one commit per distinct (key, bucket)", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const events = Array.from({ length: 10_000 }, (_, i) => ({ page: `p${i % 100}`, user: "u", n: 1 }))
      const result = yield* run(harness, define({ key: (e) => e.page, monoid: count }), recordsOf(events))
      expect(result.outcomes.every((outcome) => outcome._tag === "Succeeded")).toBe(true)
      expect(harness.state.store.control.commitCalls()).toBe(100)
      expect(harness.state.store.control.rows("aggregates").every((row) => row.value === 100)).toBe(true)
    }))

  it.effect("coalesces per bucket with windows, and stores each bucket's TTL", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const window = Window.minute("1 hour")
      const p = define({ key: (e) => e.page, monoid: count, window })
      // recordsOf spaces records 1 s apart: 120 records span 2 or 3 minutes.
      const records = recordsOf(views(120, 2))
      yield* run(harness, p, records)
      const buckets = new Set(records.map((r) => Window.bucketId(window, r.eventTimeMs)))
      const rows = harness.state.store.control.rows("aggregates")
      expect(harness.state.store.control.commitCalls()).toBe(buckets.size * 2)
      for (const row of rows) expect(row.ttl).toBe(Window.ttlSeconds(window, row.key.bucket))
      expect(rows.reduce((total, row) => total + (row.value as number), 0)).toBe(120)
    }))

  it.effect("buckets by the pipeline's eventTime extractor when given; a bad time is a decode failure", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const window = Window.hourly()
      const hour = 3_600_000
      const p = define({
        key: (e) => e.page,
        monoid: count,
        window,
        eventTime: (e) => {
          if (e.n === 3) throw new Error("no time")
          return e.n === 4 ? Number.NaN : e.n * hour
        }
      })
      const result = yield* run(harness, p, recordsOf(views(4, 1)))
      expect(tags(result.outcomes)).toEqual(["Succeeded", "Succeeded", "DecodeFailed", "DecodeFailed"])
      const buckets = harness.state.store.control.rows("aggregates").map((row) => row.key.bucket).sort()
      expect(buckets).toEqual([1, 2])
    }))

  it.effect("commits non-additive monoids once per (record, key)", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const largest = custom<number>({ name: "largest", empty: 0, combine: Math.max })
      yield* run(harness, define({ keys: (e) => [e.page, e.user], value: (e) => e.n, monoid: largest }), recordsOf(views(20)))
      expect(harness.state.store.control.commitCalls()).toBe(40)
    }))

  it.effect("applies a key listed twice once", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      yield* run(harness, define({ keys: (e) => [e.page, e.page], monoid: count }), recordsOf(views(3, 1)))
      expect([...storedTotals(harness).values()]).toEqual([3])
    }))

  it.effect("reports decode errors, calls onDecodeError in order, and processes the other records", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const seen: Array<string> = []
      const records = recordsOf(["{not json", { page: "a", user: "u", n: 1 }, "", { page: 3 }])
      const result = yield* run(harness, define({ key: (e) => e.page, monoid: count }), records, {
        onDecodeError: (record, error) => Effect.sync(() => void seen.push(`${record.eventId}:${error.reason}`))
      })
      expect(tags(result.outcomes)).toEqual(["DecodeFailed", "Succeeded", "DecodeFailed", "DecodeFailed"])
      expect(seen).toEqual([`${records[0]!.eventId}:json`, `${records[2]!.eventId}:empty`, `${records[3]!.eventId}:schema`])
      expect(harness.metrics.counter("views:decode_error")).toBe(3)
      expect(harness.metrics.counter("views")).toBe(1)
    }))

  it.effect("treats an invalid key as a poison record: skipped by default, even in order", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const keyOf = (e: View) => {
        if (e.n === 2) throw new Error("no page")
        return e.n === 3 ? "" : e.n === 4 ? "x".repeat(2049) : e.page
      }
      const result = yield* run(harness, define({ key: keyOf, monoid: count }), recordsOf(views(5)), {
        shardId: "shardId-000"
      })
      expect(tags(result.outcomes)).toEqual(["Succeeded", "DecodeFailed", "DecodeFailed", "DecodeFailed", "Succeeded"])
      const reasons = result.outcomes.flatMap((o) => (o._tag === "DecodeFailed" ? [o.error.reason] : []))
      expect(reasons).toEqual(["key", "key", "key"])
      // 2048 bytes exactly is allowed, counted in UTF-8 bytes: "é" is two.
      const edge = yield* run(harness, define({ key: (e) => (e.n === 1 ? "é".repeat(1024) : "é".repeat(1025)), monoid: count }), recordsOf(views(2), 50))
      expect(tags(edge.outcomes)).toEqual(["Succeeded", "DecodeFailed"])
    }))

  it.effect("fails an invalid key with InvalidKey when asked, stopping an in-order batch there", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ key: (e: View) => (e.n === 2 ? "" : e.page), monoid: count })
      const result = yield* run(harness, p, recordsOf(views(4)), { shardId: "shardId-000", invalidKey: "fail" })
      expect(tags(result.outcomes)).toEqual(["Succeeded", "Failed", "NotAttempted", "NotAttempted"])
      const failed = result.outcomes[1] as Extract<RecordOutcome, { _tag: "Failed" }>
      expect(failed.error._tag).toBe("InvalidKey")
      // Rows holding only later records were not written; p0's coalesced commit (records 0 and 3)
      // was, and its fence makes the redelivery from record 1 skip record 3 there.
      expect(storedTotals(harness)).toEqual(new Map([[rowKeyId({ entity: "p0", bucket: 0 }), 2]]))
    }))

  it.effect("chooses fenced for an in-order shard batch, claims otherwise, and rejects fenced without a shard", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ key: (e) => e.page, monoid: count })
      yield* run(harness, p, recordsOf(views(3, 1)), { shardId: "shardId-000" })
      const row = harness.state.store.control.row("aggregates", { entity: "p0", bucket: 0 })
      expect(row?.marks.get("shardId-000")).toBe("1002")
      expect(harness.state.store.control.claimCount()).toBe(0)
      yield* run(harness, p, recordsOf(views(3, 1), 5_000))
      expect(harness.state.store.control.claimCount()).toBe(3)
      const fenced = define({ key: (e) => e.page, monoid: count, delivery: "fenced" })
      const rejected = yield* run(harness, fenced, recordsOf(views(2)))
      expect(rejected.outcomes.map((o) => o._tag === "Failed" && o.error instanceof InvalidConfig)).toEqual([true, true])
      // Sequence numbers out of order cannot be fenced.
      const shuffled = recordsOf(views(2)).reverse()
      const unordered = yield* run(harness, fenced, shuffled, { shardId: "shardId-000" })
      expect(unordered.outcomes.every((o) => o._tag === "Failed")).toBe(true)
    }))

  it.effect("at-least-once applies redeliveries again (documented)", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ key: (e) => e.page, monoid: count, delivery: "at-least-once" })
      const records = recordsOf(views(2, 1))
      yield* run(harness, p, records)
      yield* run(harness, p, records)
      expect([...storedTotals(harness).values()]).toEqual([4])
    }))

  it.effect("in order: the first failed record stays Failed and every later one is NotAttempted", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ key: (e) => e.page, monoid: count })
      const events = views(9)
      // Rows commit in order of first appearance: p0, p1, p2. Fail p1's (records 1, 4, 7).
      harness.state.store.control.commitFaults.failCall(2, { phase: "before", transient: false })
      const result = yield* run(harness, p, recordsOf(events), { shardId: "shardId-000" })
      expect(tags(result.outcomes)).toEqual(["Succeeded", "Failed", ...Array(7).fill("NotAttempted")])
      expect(harness.metrics.counter("views:row_failed")).toBe(1)
      // The driver redelivers from record 1: exact totals.
      const retry = yield* run(harness, p, recordsOf(events).slice(1), { shardId: "shardId-000" })
      expect(retry.outcomes.every((o) => o._tag === "Succeeded" || o._tag === "Duplicate")).toBe(true)
      expect([...storedTotals(harness).values()]).toEqual([3, 3, 3])
    }))

  it.effect("a failed coalesced write marks exactly its contributing records failed (unordered)", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ key: (e) => e.page, monoid: count })
      harness.state.store.control.commitFaults.failCall(2, { phase: "before", transient: false })
      const result = yield* run(harness, p, recordsOf(views(6)))
      expect(tags(result.outcomes)).toEqual(["Succeeded", "Failed", "Succeeded", "Succeeded", "Failed", "Succeeded"])
    }))

  it.effect("shouldStop: commits not started become NotAttempted and are safe to redeliver", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ key: (e) => e.page, monoid: count })
      const events = views(9)
      let checks = 0
      const result = yield* run(harness, p, recordsOf(events), { shouldStop: () => ++checks > 1, concurrency: 1 })
      expect(tags(result.outcomes)).toEqual(["Succeeded", "NotAttempted", "NotAttempted", "Succeeded", "NotAttempted", "NotAttempted", "Succeeded", "NotAttempted", "NotAttempted"])
      const rest = recordsOf(events).filter((_, i) => result.outcomes[i]!._tag === "NotAttempted")
      yield* run(harness, p, rest)
      expect([...storedTotals(harness).values()]).toEqual([3, 3, 3])
    }))

  it.effect("merges applied deltas into the cache, and a cache failure never fails a record", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ key: (e) => e.page, monoid: count, cache: true })
      const cache = harness.state.cache
      // The cache merges only into blocks it holds: seed p1's (all-time) bucket as a read would.
      yield* cache.service.putBlocks("aggregates", count, "p1", [{ block: { level: 0, index: 0 }, value: 0, expiresAtMs: Infinity }])
      cache.control.mergeFaults.failCall(1, { phase: "before", transient: false })
      const records = recordsOf(views(6))
      const result = yield* run(harness, p, records)
      expect(tags(result.outcomes)).toEqual(Array(6).fill("Succeeded"))
      expect(harness.metrics.snapshot().errors["views:cache"]?.count).toBe(1)
      const cached = yield* cache.service.getBlocks("aggregates", count, [{ entity: "p1", blocks: [{ level: 0, index: 0 }] }])
      expect(cached).toEqual([[Option.some(2)]])
      // A redelivery applies nothing, so the cache is not touched.
      yield* run(harness, p, records)
      expect(cache.control.mergeCalls()).toBe(3)
    }))

  it.effect("two concurrent invocations of the same batch apply it once (both strategies)", () =>
    Effect.gen(function*() {
      for (const shardId of [undefined, "shardId-000"]) {
        const harness = makeHarness()
        const p = define({ keys: (e) => [e.page, "all"], value: (e) => [e.n], monoid: joined })
        const events = views(12)
        const records = recordsOf(events)
        const both = yield* Effect.all([run(harness, p, records, { shardId }), run(harness, p, records, { shardId })], {
          concurrency: 2
        })
        for (const result of both) {
          expect(result.outcomes.every((o) => o._tag === "Succeeded" || o._tag === "Duplicate")).toBe(true)
        }
        const totals = storedTotals(harness) as Map<string, ReadonlyArray<number>>
        const expected = expectedTotals(events, (e) => [e.page, "all"], (e) => [e.n], joined)
        for (const [id, value] of expected) expect([...totals.get(id)!].sort((a, b) => a - b)).toEqual(value)
      }
    }))

  it.effect("turns a monoid that throws into a non-transient Failed outcome", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const broken = custom<number>({ name: "broken", empty: 0, combine: () => {
        throw new Error("boom")
      } })
      const p = define({ key: (e) => e.page, value: (e) => e.n, monoid: broken })
      const result = yield* run(harness, p, recordsOf(views(2, 1)))
      // Every store folds from the identity, as DynamoDB's compare-and-swap does: combine(empty, x)
      // throws too, so each record is refused on its own (a non-transient "defect"), none blocks the other.
      expect(tags(result.outcomes)).toEqual(["Failed", "Failed"])
      for (const outcome of result.outcomes) {
        expect((outcome as Extract<RecordOutcome, { _tag: "Failed" }>).error).toMatchObject({
          _tag: "StoreError",
          transient: false,
          reason: "defect"
        })
      }
    }))

  it.effect("processRecord is a batch of one", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ keys: (e) => [e.page, e.user], monoid: count })
      const [record] = recordsOf(views(1))
      const outcome = yield* processRecord(p, decoder, record!).pipe(Effect.provide(harness.layer))
      expect(outcome._tag).toBe("Succeeded")
      const again = yield* processRecord(p, decoder, record!).pipe(Effect.provide(harness.layer))
      expect(again._tag).toBe("Duplicate")
      expect(harness.state.store.control.commitCalls()).toBe(4)
    }))

  it.effect("succeeds on an empty batch and on records with no keys", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const p = define({ keys: () => [], monoid: count })
      expect((yield* run(harness, p, [])).outcomes).toEqual([])
      expect(tags((yield* run(harness, p, recordsOf(views(2)))).outcomes)).toEqual(["Succeeded", "Succeeded"])
      expect(harness.state.store.control.commitCalls()).toBe(0)
    }))
})
