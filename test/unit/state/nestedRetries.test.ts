import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { makeMemoryMetrics, Metrics } from "../../../src/metrics/index.js"
import { max } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { jsonDecoder, processBatch } from "../../../src/processor/index.js"
import type { Decoder, RecordOutcome } from "../../../src/processor/types.js"
import { defaultConflictPolicy, defaultRetryPolicy, worstCaseBackoffMs } from "../../../src/retry/index.js"
import { makeDynamoStore } from "../../../src/state/dynamodb/DynamoStore.js"
import { Store } from "../../../src/state/Store.js"
import { recordsOf } from "../processor/support.js"

interface Reading {
  readonly n: number
}

const highest = pipeline<Reading, number | null>({
  name: "highest",
  store: "aggregates",
  key: () => "sensor",
  value: (e) => e.n,
  monoid: max,
  delivery: "at-least-once"
})

/**
 * A DynamoDB client (SDK fault injection) on which every compare-and-swap write loses: each
 * `UpdateItem` fails its condition, returning a row whose version moved on.
 */
const alwaysConflicting = (writes: Array<number>, now: () => number) => {
  let version = 1
  const send = async (command: { constructor: { name: string } }) => {
    if (command.constructor.name === "GetItemCommand") return { Item: undefined }
    writes.push(now())
    const error = Object.assign(new Error("The conditional request failed"), {
      name: "ConditionalCheckFailedException",
      Item: { pk: { S: "sensor" }, sk: { N: "0" }, ver: { N: String(++version) } }
    })
    throw error
  }
  return { send } as unknown as DynamoDBClient
}

describe("nested retries (processor attempts × compare-and-swap attempts)", () => {
  it.effect("stop at 3 × 8 = 24 conditional writes per row, within the documented backoff bound", () =>
    Effect.gen(function*() {
      const clock = yield* Effect.clock
      const writes: Array<number> = []
      const store = makeDynamoStore(alwaysConflicting(writes, () => clock.unsafeCurrentTimeMillis()))
      const layer = Layer.merge(Layer.succeed(Store, store), Layer.succeed(Metrics, makeMemoryMetrics().service))
      const records = recordsOf([{ n: 4 }, { n: 9 }])
      const fiber = yield* processBatch(highest, jsonDecoder() as Decoder<Reading>, records).pipe(
        Effect.provide(layer),
        Effect.fork
      )
      yield* TestClock.adjust("1 hour")
      const result = yield* Fiber.join(fiber)

      const bound = defaultRetryPolicy.maxAttempts * defaultConflictPolicy.maxAttempts
      expect(bound).toBe(24)
      expect(writes).toHaveLength(bound)
      const outcome = result.outcomes[0] as Extract<RecordOutcome, { _tag: "Failed" }>
      expect(outcome.error).toMatchObject({ _tag: "RetriesExhausted", attempts: 3 })
      const waited = writes[writes.length - 1]! - writes[0]!
      const backoffBound = defaultRetryPolicy.maxAttempts * worstCaseBackoffMs(defaultConflictPolicy) +
        worstCaseBackoffMs(defaultRetryPolicy)
      expect(backoffBound).toBe(6_930)
      expect(waited).toBeLessThanOrEqual(backoffBound)
    }))
})
