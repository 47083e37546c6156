/**
 * The delivery contract under injected faults: whatever step fails (the claim or first write, the
 * write of key 1, 2 or 3 of a record, the cache, or after the write but before its result is
 * returned), redelivering what the processor reported as not done ends with exact totals.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { count, custom, type Monoid } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder, processBatch } from "../../../src/processor/index.js"
import type { BatchResult, SourceRecord } from "../../../src/processor/types.js"
import type { Fault } from "../../../src/testing.js"
import { rowKeyId } from "../../../src/state/RowKey.js"
import { makeHarness, recordsOf, type View, views, withTestClock } from "./support.js"

const decoder = schemaDecoder(Schema.Struct({ page: Schema.String, user: Schema.String, n: Schema.Number }))
const keysOf = (e: View) => ["all", `page:${e.page}`, `user:${e.user}`]

// Not commutative, not idempotent: a double apply or a lost delta shows, and so does order.
const joined = custom<ReadonlyArray<number>>({ name: "joined", empty: [], combine: (l, r) => [...l, ...r] })

const pipelines = {
  count: pipeline<View, number>({ name: "views", store: "aggregates", keys: keysOf, monoid: count }),
  joined: pipeline<View, ReadonlyArray<number>>({
    name: "views",
    store: "aggregates",
    keys: keysOf,
    value: (e) => [e.n],
    monoid: joined,
    cache: true
  })
}
type Kind = keyof typeof pipelines

const strategies = [
  { name: "fenced", shardId: "shardId-000" as string | undefined },
  { name: "claims", shardId: undefined }
]

const expected = (kind: Kind, events: ReadonlyArray<View>): Map<string, unknown> => {
  const monoid = pipelines[kind].monoid as Monoid<unknown>
  const value = (e: View): unknown => (kind === "count" ? 1 : [e.n])
  const totals = new Map<string, unknown>()
  for (const event of events) {
    for (const key of keysOf(event)) {
      const id = rowKeyId({ entity: key, bucket: 0 })
      totals.set(id, monoid.combine(totals.get(id) ?? monoid.empty, value(event)))
    }
  }
  return totals
}

const notDone = (result: BatchResult) =>
  result.outcomes.map((o) => o._tag === "Failed" || o._tag === "NotAttempted")

/**
 * Delivers like the drivers redeliver: in order (a Kinesis shard) from the first record not done;
 * otherwise only the records not done. Returns how many deliveries it took.
 */
const deliverUntilDone = (
  harness: ReturnType<typeof makeHarness>,
  kind: Kind,
  records: ReadonlyArray<SourceRecord>,
  shardId: string | undefined
) =>
  Effect.gen(function*() {
    let pending = records
    let deliveries = 0
    while (pending.length > 0 && deliveries < 50) {
      deliveries++
      const p = pipelines[kind] as typeof pipelines.count
      const result = yield* withTestClock(
        processBatch(p, decoder, pending, { shardId, retry: { maxAttempts: 2, baseMs: 10 } }).pipe(
          Effect.provide(harness.layer)
        )
      )
      const flags = notDone(result)
      if (shardId !== undefined) {
        const first = flags.indexOf(true)
        if (first >= 0) expect(flags.slice(first).every(Boolean)).toBe(true)
        pending = first < 0 ? [] : pending.slice(first)
      } else pending = pending.filter((_, i) => flags[i])
    }
    expect(pending).toEqual([])
    return deliveries
  })

const assertExact = (harness: ReturnType<typeof makeHarness>, kind: Kind, events: ReadonlyArray<View>, ordered: boolean) => {
  const stored = new Map(harness.state.store.control.rows("aggregates").map((row) => [rowKeyId(row.key), row.value]))
  const want = expected(kind, events)
  if (kind === "count" || ordered) {
    expect(stored).toEqual(want)
    return
  }
  // Under claims, a redelivered record lands after later ones: compare as multisets.
  const sorted = (m: Map<string, unknown>) =>
    new Map([...m].map(([k, v]) => [k, [...(v as ReadonlyArray<number>)].sort((a, b) => a - b)]))
  expect(sorted(stored)).toEqual(sorted(want))
}

const cleanCalls = (kind: Kind, records: ReadonlyArray<SourceRecord>, shardId: string | undefined) =>
  Effect.gen(function*() {
    const harness = makeHarness()
    yield* deliverUntilDone(harness, kind, records, shardId)
    return harness.state.store.control.commitCalls()
  })

describe("fault injection, then redelivery until done: exact totals", () => {
  for (const { name, shardId } of strategies) {
    for (const kind of ["count", "joined"] as const) {
      it.effect(`${name}, ${kind}: a non-transient fault at every commit call, before and after the write`, () =>
        Effect.gen(function*() {
          const events = views(7)
          const records = recordsOf(events)
          const calls = yield* cleanCalls(kind, records, shardId)
          expect(calls).toBe(kind === "count" ? 6 : 21)
          for (let call = 1; call <= calls; call++) {
            for (const phase of ["before", "after"] as const) {
              const harness = makeHarness()
              harness.state.store.control.commitFaults.failCall(call, { phase, transient: false })
              const deliveries = yield* deliverUntilDone(harness, kind, records, shardId)
              expect(deliveries).toBe(2)
              assertExact(harness, kind, events, shardId !== undefined)
            }
          }
        }))

      it.effect(`${name}, ${kind}: transient faults are retried within the batch`, () =>
        Effect.gen(function*() {
          const events = views(7)
          const harness = makeHarness()
          // Every commit's first attempt fails, alternately before and after the write.
          const seen = new Set<string>()
          harness.state.store.control.commitFaults.setHook((call, request) => {
            const id = `${rowKeyId(request.key)}/${request.contributions[0]!.eventId}`
            if (seen.has(id)) return undefined
            seen.add(id)
            return { phase: call % 2 === 0 ? "after" : "before" }
          })
          const deliveries = yield* deliverUntilDone(harness, kind, recordsOf(events), shardId)
          expect(deliveries).toBe(1)
          expect(harness.metrics.counter("views:retry")).toBeGreaterThan(0)
          assertExact(harness, kind, events, shardId !== undefined)
        }))

      it.effect(`${name}, ${kind}: random faults (a third after the write) and concurrent duplicates`, () =>
        Effect.gen(function*() {
          let seed = 42
          const nextUnit = () => {
            seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
            return seed / 2_147_483_648
          }
          const events = views(40, 5, 3)
          const records = recordsOf(events)
          const harness = makeHarness()
          harness.state.store.control.commitFaults.setHook((): Fault | undefined => {
            if (nextUnit() >= 0.25) return undefined
            return { phase: nextUnit() < 1 / 3 ? "after" : "before", transient: nextUnit() < 0.5 }
          })
          yield* Effect.all(
            [
              deliverUntilDone(harness, kind, records, shardId),
              deliverUntilDone(harness, kind, records, shardId)
            ],
            { concurrency: 2 }
          )
          expect(harness.metrics.counter("views:retry")).toBeGreaterThan(0)
          assertExact(harness, kind, events, shardId !== undefined)
        }))
    }
  }

  it.effect("a single three-key record: fault on key 1, key 2, key 3, the cache, and after the commit", () =>
    Effect.gen(function*() {
      const events = views(1)
      const records = recordsOf(events)
      const points: ReadonlyArray<readonly [string, (h: ReturnType<typeof makeHarness>) => void]> = [
        ["key 1 of 3 (the first write, with its claim)", (h) => h.state.store.control.commitFaults.failCall(1, { phase: "before", transient: false })],
        ["key 2 of 3", (h) => h.state.store.control.commitFaults.failCall(2, { phase: "before", transient: false })],
        ["key 3 of 3", (h) => h.state.store.control.commitFaults.failCall(3, { phase: "before", transient: false })],
        ["the cache", (h) => h.state.cache.control.mergeFaults.failCall(1, { phase: "before", transient: false })],
        ["after the commit, before its result", (h) => h.state.store.control.commitFaults.failCall(2, { phase: "after", transient: false })]
      ]
      for (const { shardId } of strategies) {
        for (const [, inject] of points) {
          const harness = makeHarness()
          inject(harness)
          yield* deliverUntilDone(harness, "joined", records, shardId)
          assertExact(harness, "joined", events, true)
        }
      }
    }))
})
