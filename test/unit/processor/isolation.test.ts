import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { type DecimalValue, sum } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { jsonDecoder } from "../../../src/processor/decoders.js"
import { processBatch } from "../../../src/processor/processBatch.js"
import type { Decoder, RecordOutcome } from "../../../src/processor/types.js"
import { makeHarness, recordsOf } from "./support.js"

interface Amount {
  readonly k: string
  readonly v: number
}
const decoder = jsonDecoder() as Decoder<Amount>
const amounts = (delivery: "auto" | "claims") =>
  pipeline<Amount, DecimalValue>({ name: "amounts", key: (e) => e.k, value: (e) => e.v, monoid: sum, store: "t", delivery })

const tags = (outcomes: ReadonlyArray<RecordOutcome>) => outcomes.map((o) => o._tag)
// Three halves of the largest magnitude and a small one: any two of the halves overflow the row.
const batch = recordsOf([5e125, 5e125, 5e125, 1e125].map((v) => ({ k: "K", v })))

describe("isolating a row DynamoDB would refuse", () => {
  it.effect("claims: splits the coalesced row and fails every offender, nothing else", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const result = yield* processBatch(amounts("claims"), decoder, batch).pipe(Effect.provide(harness.layer))
      expect(tags(result.outcomes)).toEqual(["Succeeded", "Failed", "Failed", "Succeeded"])
      for (const i of [1, 2]) {
        expect((result.outcomes[i] as Extract<RecordOutcome, { _tag: "Failed" }>).error).toMatchObject({
          _tag: "StoreError",
          reason: "validation"
        })
      }
      expect(harness.state.store.control.row("t", { entity: "K", bucket: 0 })?.value).toBe(6e125)
      // One failed commit per offender: the halves the split went through are not counted.
      expect(harness.metrics.counter("amounts:row_failed")).toBe(2)
    }))

  it.effect("fenced: the first offender fails, everything before it applies, everything after waits", () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const result = yield* processBatch(amounts("auto"), decoder, batch, { shardId: "shardId-0" }).pipe(
        Effect.provide(harness.layer)
      )
      expect(tags(result.outcomes)).toEqual(["Succeeded", "Failed", "NotAttempted", "NotAttempted"])
      const row = harness.state.store.control.row("t", { entity: "K", bucket: 0 })
      expect(row?.value).toBe(5e125)
      // The mark stays on the last applied record, so a redelivery without the offender applies the rest.
      expect(row?.marks.get("shardId-0")).toBe(batch[0]!.sequence)
      const again = yield* processBatch(amounts("auto"), decoder, batch.slice(2), { shardId: "shardId-0" }).pipe(
        Effect.provide(harness.layer)
      )
      expect(tags(again.outcomes)).toEqual(["Failed", "NotAttempted"])
      const last = yield* processBatch(amounts("auto"), decoder, batch.slice(3), { shardId: "shardId-0" }).pipe(
        Effect.provide(harness.layer)
      )
      expect(tags(last.outcomes)).toEqual(["Succeeded"])
      expect(harness.state.store.control.row("t", { entity: "K", bucket: 0 })?.value).toBe(6e125)
    }))
})
