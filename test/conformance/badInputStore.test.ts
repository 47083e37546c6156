/**
 * Values the store rejects, table-driven, through the processor on DynamoDB Local and on the
 * memory store, under both exactly-once strategies (fenced in order, claims). Each batch puts a
 * bad record among good ones, some coalesced into the same row; the driver moves on as a
 * dead-letter policy of "skip" would (a record that can never succeed is dropped, the rest
 * redelivered). The bad record gets its typed outcome, every good record is applied exactly
 * once, and memory and DynamoDB end with identical rows.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { canNeverSucceed } from "../../src/kinesis/deadLetter.js"
import { layerNoop } from "../../src/metrics/index.js"
import type { Pipeline } from "../../src/pipeline/index.js"
import { processBatch } from "../../src/processor/processBatch.js"
import type { RecordOutcome, SourceRecord } from "../../src/processor/types.js"
import { DynamoState } from "../../src/state/dynamodb/index.js"
import { MemoryState } from "../../src/state/memory/index.js"
import type { Store } from "../../src/state/Store.js"
import { createLocalTables, localClient } from "../integration/dynamodb/local.js"
import {
  cases,
  decoder,
  type Delivery,
  dynamoRows,
  type Event,
  expectedOutcome,
  expectedRows,
  failureName,
  memoryRows,
  pipelinesFor,
  type Raw,
  t0
} from "./badInputTable.js"

const table = "murmur-bad-store-agg"
const claimsTable = "murmur-bad-store-claims"
const client = localClient()
const dynamo = Layer.merge(DynamoState.layer({ client, claimsTable }), layerNoop)

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
  return outcome._tag === "Failed" ? failureName(outcome.error) : outcome._tag
}

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
      processBatch(p, decoder, pending.map((r) => r.record), delivery === "fenced" ? { shardId: "shardId-000" } : {}).pipe(
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

beforeAll(() => createLocalTables(client, { aggregates: [table], claimsTable }))
afterAll(() => client.destroy())

describe.each(["fenced", "claims"] as const)("values the store rejects (%s)", (delivery) => {
  const pipelines = pipelinesFor(table, delivery)
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
    const totals = expectedRows(c)
    expect(memoryRows(memory, table, prefix)).toEqual(totals)
    expect(await dynamoRows(client, table, p.monoid, prefix)).toEqual(totals)
  })
})
