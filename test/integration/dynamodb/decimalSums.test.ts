/**
 * Exact sums: random decimals (fractions, integers past 2^53 as text) summed under random
 * batchings give the same total in memory, in DynamoDB Local and in an exact reference.
 */
import { Decimal as DefaultDecimal } from "decimal.js"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { layerNoop } from "../../../src/metrics/index.js"
import { type DecimalValue, sum } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { jsonDecoder } from "../../../src/processor/decoders.js"
import { processBatch } from "../../../src/processor/processBatch.js"
import type { Decoder, SourceRecord } from "../../../src/processor/types.js"
import { DynamoState } from "../../../src/state/dynamodb/index.js"
import { MemoryState } from "../../../src/state/memory/index.js"
import { Store } from "../../../src/state/Store.js"
import type * as L from "effect/Layer"
import { createLocalTables, localClient } from "./local.js"

// The reference: exact for these values (decimal.js rounds to 20 digits by default).
const Decimal = DefaultDecimal.clone({ precision: 100 })
type Decimal = InstanceType<typeof Decimal>

const table = "murmur-ddb-decimal-agg"
const claimsTable = "murmur-ddb-decimal-claims"
const client = localClient()
const dynamo = Layer.merge(DynamoState.layer({ client, claimsTable }), layerNoop)

interface Amount {
  readonly k: string
  readonly v: DecimalValue
}
const amounts = pipeline<Amount, DecimalValue>({
  name: "amounts",
  key: (e) => e.k,
  value: (e) => e.v,
  monoid: sum,
  store: table,
  delivery: "claims"
})

// Decimals of up to 20 integer and 6 fractional digits, as JSON numbers when a double holds them
// exactly and as text otherwise: 30 of them sum within DynamoDB's 38 digits.
const decimal = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 999_999 }))
  .map(([negative, whole, scale, fraction]) => {
    const text = `${negative ? "-" : ""}${whole}${scale === 0 ? "" : `.${String(fraction).padStart(6, "0").slice(0, scale)}`}`
    const n = Number(text)
    return new Decimal(n).eq(text) ? n : text
  })

// Cut points splitting a list into consecutive batches.
const batching = (values: ReadonlyArray<unknown>, cuts: ReadonlyArray<number>) => {
  const points = [...new Set(cuts.map((c) => c % (values.length + 1)))].sort((a, b) => a - b)
  const out: Array<ReadonlyArray<number>> = []
  let from = 0
  for (const point of [...points, values.length]) {
    if (point > from) out.push(Array.from({ length: point - from }, (_, i) => from + i))
    from = Math.max(from, point)
  }
  return out
}

const encoder = new TextEncoder()
const run = async (entity: string, values: ReadonlyArray<DecimalValue>, cuts: ReadonlyArray<number>, layer: L.Layer<Store>) => {
  for (const batch of batching(values, cuts)) {
    const records: Array<SourceRecord> = batch.map((i) => ({
      eventId: `${entity}/${i}`,
      eventTimeMs: 0,
      data: encoder.encode(JSON.stringify({ k: entity, v: values[i] }))
    }))
    const result = await Effect.runPromise(processBatch(amounts, jsonDecoder() as Decoder<Amount>, records).pipe(Effect.provide(Layer.merge(layer, layerNoop))))
    expect(result.outcomes.every((o) => o._tag === "Succeeded")).toBe(true)
  }
  const value = await Effect.runPromise(Effect.flatMap(Store, (store) => store.get(table, sum, { entity, bucket: 0 })).pipe(Effect.provide(layer)))
  return value._tag === "Some" ? value.value : sum.empty
}

beforeAll(() => createLocalTables(client, { aggregates: [table], claimsTable }))
afterAll(() => client.destroy())

describe("exact decimal sums", () => {
  it("equal an exact reference in memory and in DynamoDB, whatever the batching", async () => {
    let round = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(decimal, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (values, memoryCuts, dynamoCuts) => {
          const entity = `sum-${round++}`
          const reference = values.reduce<Decimal>((acc, v) => acc.plus(v), new Decimal(0))
          const memory = MemoryState.make()
          const inMemory = await run(entity, values, memoryCuts, memory.layer)
          const inDynamo = await run(entity, values, dynamoCuts, dynamo)
          expect(new Decimal(inMemory).eq(reference), `memory ${inMemory} vs ${reference}`).toBe(true)
          expect(inDynamo).toEqual(inMemory)
          // The value's form is canonical: a number exactly when a double holds the total.
          expect(typeof inMemory === "number").toBe(new Decimal(Number(reference)).eq(reference))
        }
      ),
      { numRuns: 30, seed: 12 }
    )
  })

  it("keeps 0.1 + 0.1 + 0.1 at 0.3 in one batch or three", async () => {
    const memory = MemoryState.make()
    expect(await run("tenths-one", [0.1, 0.1, 0.1], [], dynamo)).toBe(0.3)
    expect(await run("tenths-three", [0.1, 0.1, 0.1], [1, 2], dynamo)).toBe(0.3)
    expect(await run("tenths-one", [0.1, 0.1, 0.1], [], memory.layer)).toBe(0.3)
  })
})
