/**
 * Values the store rejects, table-driven, through the processor on DynamoDB Local and on the
 * memory store, under both exactly-once strategies (fenced in order, claims). Each batch puts a
 * bad record among good ones, some coalesced into the same row; the driver moves on as a
 * dead-letter policy of "skip" would (a record that can never succeed is dropped, the rest
 * redelivered). The bad record gets its typed outcome, every good record is applied exactly
 * once, and memory and DynamoDB end with identical rows.
 */
import { ScanCommand } from "@aws-sdk/client-dynamodb"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { canNeverSucceed } from "../../src/kinesis/deadLetter.js"
import { layerNoop } from "../../src/metrics/index.js"
import { boundedSet, count, custom, type DecimalValue, type Monoid, setOf, sum } from "../../src/monoid/index.js"
import { type Pipeline, pipeline } from "../../src/pipeline/index.js"
import { jsonDecoder } from "../../src/processor/decoders.js"
import { processBatch } from "../../src/processor/processBatch.js"
import type { RecordOutcome, SourceRecord } from "../../src/processor/types.js"
import { DynamoState } from "../../src/state/dynamodb/index.js"
import { decodeValue } from "../../src/state/dynamodb/row.js"
import { MemoryState } from "../../src/state/memory/index.js"
import type { Store } from "../../src/state/Store.js"
import { hourly } from "../../src/window/Window.js"
import { createLocalTables, localClient } from "../integration/dynamodb/local.js"

const table = "murmur-bad-store-agg"
const claimsTable = "murmur-bad-store-claims"
const client = localClient()
const dynamo = Layer.merge(DynamoState.layer({ client, claimsTable }), layerNoop)

interface Event {
  readonly k: string
  readonly v?: unknown
  readonly t?: number
}
type Delivery = "fenced" | "claims"

const t0 = Date.UTC(2026, 10, 30, 12)
const unlucky = (): Monoid<number> =>
  custom<number>({
    name: "unlucky",
    empty: 0,
    combine: (left, right) => {
      if (left === 13 || right === 13) throw new RangeError("Maximum call stack size exceeded")
      return left + right
    },
    additive: true,
    commutative: true
  })

// The pipelines of the table, one set per strategy (delivery is part of the pipeline).
const pipelinesFor = (delivery: Delivery) => {
  const base = { store: table, delivery: delivery === "fenced" ? "auto" : "claims" } as const
  return {
    sum: pipeline<Event, DecimalValue>({ ...base, name: "sums", key: (e) => e.k, value: (e) => e.v as DecimalValue, monoid: sum }),
    eventTime: pipeline<Event, number>({
      ...base,
      name: "timed",
      key: (e) => e.k,
      monoid: count,
      window: hourly("7 days"),
      eventTime: (e) => e.t as number
    }),
    arrival: pipeline<Event, number>({ ...base, name: "arrivals", key: (e) => e.k, monoid: count, window: hourly("7 days") }),
    set: pipeline<Event, ReadonlyArray<string>>({
      ...base,
      name: "members",
      key: (e) => e.k,
      value: (e) => setOf(e.v as string),
      monoid: boundedSet({ maxMembers: 3 })
    }),
    unlucky: pipeline<Event, number>({ ...base, name: "unlucky", key: (e) => e.k, value: (e) => e.v as number, monoid: unlucky() })
  }
}
type PipelineName = keyof ReturnType<typeof pipelinesFor>

/** A record as raw JSON text (so `1e400` stays as written), with an optional arrival time. */
interface Raw {
  readonly json: (prefix: string) => string
  readonly arrivalMs?: number
}
const ev = (key: string, value?: string, extra = ""): Raw => ({
  json: (prefix) => `{"k":${JSON.stringify(prefix + key)}${value === undefined ? "" : `,"v":${value}`}${extra}}`
})

type Expected = { readonly DecodeFailed: string } | { readonly Failed: string }

interface Case {
  readonly name: string
  readonly pipeline: PipelineName
  readonly records: ReadonlyArray<Raw>
  /** The typed outcome of each bad record, by index. */
  readonly bad: Readonly<Record<number, Expected>>
  /** Final values by key (without the run's prefix). */
  readonly totals: Readonly<Record<string, unknown>>
}

const around = (bad: Raw): ReadonlyArray<Raw> => [ev("K", "1"), bad, ev("K", "2"), ev("O", "5")]
const at = (t: number) => `,"t":${t}`

const cases: ReadonlyArray<Case> = [
  { name: "sum 1e400 (Infinity)", pipeline: "sum", records: around(ev("K", "1e400")), bad: { 1: { DecodeFailed: "number" } }, totals: { K: 3, O: 5 } },
  { name: "sum 1e126 (overflow)", pipeline: "sum", records: around(ev("K", "1e126")), bad: { 1: { DecodeFailed: "number" } }, totals: { K: 3, O: 5 } },
  { name: "sum 1e200 (overflow)", pipeline: "sum", records: around(ev("K", "1e200")), bad: { 1: { DecodeFailed: "number" } }, totals: { K: 3, O: 5 } },
  { name: "sum 1e-200 (underflow)", pipeline: "sum", records: around(ev("K", "1e-200")), bad: { 1: { DecodeFailed: "number" } }, totals: { K: 3, O: 5 } },
  {
    name: "sum of a 39-digit string",
    pipeline: "sum",
    records: around(ev("K", "\"123456789012345678901234567890123456789\"")),
    bad: { 1: { DecodeFailed: "number" } },
    totals: { K: 3, O: 5 }
  },
  { name: "sum of text that is no number", pipeline: "sum", records: around(ev("K", "\"12abc\"")), bad: { 1: { DecodeFailed: "number" } }, totals: { K: 3, O: 5 } },
  {
    name: "eventTime 1e300",
    pipeline: "eventTime",
    records: [ev("K", undefined, at(t0)), ev("K", undefined, at(1e300)), ev("K", undefined, at(t0)), ev("O", undefined, at(t0))],
    bad: { 1: { DecodeFailed: "time" } },
    totals: { K: 2, O: 1 }
  },
  {
    name: "eventTime Number.MAX_VALUE",
    pipeline: "eventTime",
    records: [ev("K", undefined, at(t0)), ev("K", undefined, at(Number.MAX_VALUE)), ev("K", undefined, at(t0)), ev("O", undefined, at(t0))],
    bad: { 1: { DecodeFailed: "time" } },
    totals: { K: 2, O: 1 }
  },
  {
    name: "an arrival time of 1e300 s",
    pipeline: "arrival",
    records: [ev("K"), { ...ev("K"), arrivalMs: 1e303 }, ev("K"), ev("O")],
    bad: { 1: { DecodeFailed: "time" } },
    totals: { K: 2, O: 1 }
  },
  {
    name: "keys with lone surrogates",
    pipeline: "sum",
    records: [ev("K", "1"), ev("\ud800x", "1"), ev("\ud801x", "1"), ev("\udfffx", "1"), ev("K", "2")],
    bad: { 1: { DecodeFailed: "unicode" }, 2: { DecodeFailed: "unicode" }, 3: { DecodeFailed: "unicode" } },
    totals: { K: 3 }
  },
  {
    name: "a coalesced row that overflows",
    pipeline: "sum",
    records: [ev("K", "5e125"), ev("K", "5e125"), ev("K", "1e125"), ev("O", "1")],
    bad: { 1: { Failed: "StoreError:validation" } },
    totals: { K: 6e125, O: 1 }
  },
  {
    name: "a coalesced row past 38 digits",
    pipeline: "sum",
    records: [ev("K", "1e37"), ev("K", "0.1"), ev("K", "1"), ev("O", "1")],
    bad: { 1: { Failed: "StoreError:validation" } },
    totals: { K: "10000000000000000000000000000000000001", O: 1 }
  },
  {
    name: "decimal sums and integers past 2^53 sent as text",
    pipeline: "sum",
    records: [ev("K", "0.1"), ev("K", "0.1"), ev("K", "0.1"), ev("O", "\"9007199254740993\""), ev("O", "\"2\"")],
    bad: {},
    // 2^53 + 5 is no double: it stays text, exact in both stores.
    totals: { K: 0.3, O: "9007199254740995" }
  },
  {
    name: "a set past its budget",
    pipeline: "set",
    records: [ev("K", "\"a\""), ev("K", "\"b\""), ev("K", "\"c\""), ev("K", "\"d\""), ev("K", "\"a\""), ev("O", "\"x\"")],
    bad: { 3: { Failed: "RowTooLarge" } },
    totals: { K: ["a", "b", "c"], O: ["x"] }
  },
  {
    name: "a combine that throws",
    pipeline: "unlucky",
    records: [ev("K", "1"), ev("K", "13"), ev("K", "2"), ev("O", "5")],
    bad: { 1: { Failed: "StoreError:defect" } },
    totals: { K: 3, O: 5 }
  }
]

const encoder = new TextEncoder()
const sourceRecords = (records: ReadonlyArray<Raw>, prefix: string): Array<SourceRecord> =>
  records.map((raw, i) => ({
    eventId: `${prefix}/${i}`,
    eventTimeMs: raw.arrivalMs ?? t0,
    sequence: String(49_000_000_000 + i),
    data: encoder.encode(raw.json(prefix))
  }))

const describeOutcome = (outcome: RecordOutcome): string => {
  if (outcome._tag === "DecodeFailed") return `DecodeFailed:${outcome.error.reason}`
  if (outcome._tag !== "Failed") return outcome._tag
  const error = outcome.error
  return error._tag === "StoreError" ? `Failed:StoreError:${error.reason}` : `Failed:${error._tag}`
}
const expectedOutcome = (expected: Expected): string =>
  "DecodeFailed" in expected ? `DecodeFailed:${expected.DecodeFailed}` : `Failed:${expected.Failed}`

/**
 * Delivers a batch until every record is done, as a driver with the "skip" dead-letter policy:
 * records that can never succeed (and decode failures) are dropped, the rest are redelivered.
 * Returns each record's first outcome that was not `NotAttempted`.
 */
const deliver = async <V>(
  p: Pipeline<Event, V>,
  records: ReadonlyArray<SourceRecord>,
  delivery: Delivery,
  layer: Layer.Layer<Store>
): Promise<Array<string>> => {
  const seen: Array<string | undefined> = records.map(() => undefined)
  let pending = records.map((record, index) => ({ record, index }))
  for (let round = 0; pending.length > 0; round++) {
    expect(round).toBeLessThan(records.length + 1)
    const result = await Effect.runPromise(
      processBatch(p, jsonDecoder(), pending.map((r) => r.record), delivery === "fenced" ? { shardId: "shardId-000" } : {}).pipe(
        Effect.provide(Layer.merge(layer, layerNoop))
      )
    )
    const next: typeof pending = []
    result.outcomes.forEach((outcome, i) => {
      const { index } = pending[i]!
      if (outcome._tag !== "NotAttempted") seen[index] ??= describeOutcome(outcome)
      const retry = outcome._tag === "NotAttempted" || (outcome._tag === "Failed" && !canNeverSucceed(outcome.error))
      if (retry) next.push(pending[i]!)
    })
    pending = next
  }
  return seen.map((s) => s ?? "never")
}

const canonical = (value: unknown) => JSON.stringify(value)

const memoryRows = (state: MemoryState.MemoryState, prefix: string) =>
  Object.fromEntries(
    state.store.control.rows(table)
      .filter((row) => row.key.entity.startsWith(prefix))
      .map((row) => [row.key.entity.slice(prefix.length), canonical(row.value)])
  )

const dynamoRows = async <V>(monoid: Monoid<V>, prefix: string) => {
  const out = await client.send(
    new ScanCommand({
      TableName: table,
      ConsistentRead: true,
      FilterExpression: "begins_with(pk, :p)",
      ExpressionAttributeValues: { ":p": { S: prefix } }
    })
  )
  return Object.fromEntries(
    (out.Items ?? []).map((item) => {
      const value = decodeValue(monoid, item["v"])
      if (value._tag === "Left") throw new Error(value.left)
      return [item["pk"]!.S!.slice(prefix.length), canonical(value.right)]
    })
  )
}

beforeAll(() => createLocalTables(client, { aggregates: [table], claimsTable }))
afterAll(() => client.destroy())

describe.each(["fenced", "claims"] as const)("values the store rejects (%s)", (delivery) => {
  const pipelines = pipelinesFor(delivery)
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (name, c) => {
    const p = pipelines[c.pipeline] as Pipeline<Event, unknown>
    const prefix = `${delivery}:${name}:`
    const memory = MemoryState.make()
    const expected = c.records.map((_, i) => (c.bad[i] === undefined ? undefined : expectedOutcome(c.bad[i]!)))

    const onMemory = await deliver(p, sourceRecords(c.records, prefix), delivery, memory.layer)
    const onDynamo = await deliver(p, sourceRecords(c.records, prefix), delivery, dynamo)

    for (const outcomes of [onMemory, onDynamo]) {
      outcomes.forEach((outcome, i) => {
        if (expected[i] === undefined) expect(["Succeeded", "Duplicate"], `record ${i}`).toContain(outcome)
        else expect(outcome, `record ${i}`).toBe(expected[i])
      })
    }
    const totals = Object.fromEntries(Object.entries(c.totals).map(([key, value]) => [key, canonical(value)]))
    expect(memoryRows(memory, prefix)).toEqual(totals)
    expect(await dynamoRows(p.monoid, prefix)).toEqual(totals)
  })
})
