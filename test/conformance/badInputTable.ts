/**
 * The table of values the store rejects, shared by the processor run (badInputStore.test.ts) and
 * the driver runs (badInputDrivers.test.ts): each case is a batch with a bad record among good
 * ones (some coalesced into the same row), the typed outcome the bad record gets, and the rows
 * both stores must end with. Also: reading those rows back from memory and DynamoDB.
 */
import { type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb"
import { boundedSet, count, custom, type DecimalValue, type Monoid, setOf, sum } from "../../src/monoid/index.js"
import { pipeline } from "../../src/pipeline/index.js"
import { jsonDecoder } from "../../src/processor/decoders.js"
import type { Decoder } from "../../src/processor/types.js"
import { decodeValue } from "../../src/state/dynamodb/row.js"
import type { MemoryState } from "../../src/state/memory/index.js"
import { hourly } from "../../src/window/Window.js"

export interface Event {
  readonly k: string
  readonly v?: unknown
  readonly t?: number
}
export type Delivery = "fenced" | "claims"

/** The events are unchecked JSON: the pipelines' validation is what the table tests. */
export const decoder = jsonDecoder() as Decoder<Event>

/** Event time of the good records (and arrival time of every record without its own). */
export const t0 = Date.UTC(2026, 10, 30, 12)

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

/** The pipelines of the table over `table`, one set per strategy (delivery is part of the pipeline). */
export const pipelinesFor = (table: string, delivery: Delivery) => {
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
export type PipelineName = keyof ReturnType<typeof pipelinesFor>

/** A record as raw JSON text (so `1e400` stays as written), with an optional arrival time. */
export interface Raw {
  readonly json: (prefix: string) => string
  readonly arrivalMs?: number
}
const ev = (key: string, value?: string, extra = ""): Raw => ({
  json: (prefix) => `{"k":${JSON.stringify(prefix + key)}${value === undefined ? "" : `,"v":${value}`}${extra}}`
})

/** A bad record's outcome: a decode failure with its reason, or a failure (`Tag` or `StoreError:<reason>`). */
export type Expected = { readonly DecodeFailed: string } | { readonly Failed: string }

export interface Case {
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

export const cases: ReadonlyArray<Case> = [
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

/** `Failed:<tag>` or `DecodeFailed:<reason>`, as the tests compare outcomes. */
export const expectedOutcome = (expected: Expected): string =>
  "DecodeFailed" in expected ? `DecodeFailed:${expected.DecodeFailed}` : `Failed:${expected.Failed}`

/** An error as `expectedOutcome` names it: its tag, and a store error's reason. */
export const failureName = (error: { readonly _tag: string; readonly reason?: unknown }): string =>
  error._tag === "StoreError" ? `Failed:StoreError:${String(error.reason)}` : `Failed:${error._tag}`

/** A case's expected rows, each value as `canonical` writes it. */
export const expectedRows = (c: Case): Record<string, string> =>
  Object.fromEntries(Object.entries(c.totals).map(([key, value]) => [key, canonical(value)]))

export const canonical = (value: unknown) => JSON.stringify(value)

/** The rows of `table` whose key starts with `prefix` (prefix removed), in the memory store. */
export const memoryRows = (state: MemoryState.MemoryState, table: string, prefix: string) =>
  Object.fromEntries(
    state.store.control.rows(table)
      .filter((row) => row.key.entity.startsWith(prefix))
      .map((row) => [row.key.entity.slice(prefix.length), canonical(row.value)])
  )

/** The same from DynamoDB (one Scan page: a case writes a handful of rows). */
export const dynamoRows = async <V>(client: DynamoDBClient, table: string, monoid: Monoid<V>, prefix: string) => {
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
