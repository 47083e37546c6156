import { describe, expect, it } from "@effect/vitest"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { layerNoop } from "../../../src/metrics/noop.js"
import { count } from "../../../src/monoid/index.js"
import { layerOtel } from "../../../src/otel/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import { processBatch } from "../../../src/processor/index.js"
import type { SourceRecord } from "../../../src/processor/types.js"
import { send } from "../../../src/state/dynamodb/send.js"
import * as MemoryState from "../../../src/state/memory/MemoryState.js"
import { Store } from "../../../src/state/Store.js"
import { tracingEnabled } from "../../../src/tracing/index.js"

const PageView = Schema.Struct({ page: Schema.String })
const views = pipeline({ name: "views", key: (view: typeof PageView.Type) => view.page, monoid: count, store: "views" })
const recordsOf = (pages: ReadonlyArray<string>): Array<SourceRecord> =>
  pages.map((page, i) => ({
    eventId: `e${i}`,
    eventTimeMs: 1_700_000_000_000,
    data: new TextEncoder().encode(page === "" ? "{" : JSON.stringify({ page })),
    sequence: String(100 + i)
  }))

/** A memory state whose commits go through `send`, as the DynamoDB store's do, so the request span nests. */
const stateWithRequests = (spansAtCommit: Array<string> = []) => {
  const state = MemoryState.make()
  const store = Layer.succeed(Store, {
    ...state.store.service,
    commit: (request) =>
      Effect.currentSpan.pipe(
        Effect.tap((span) => Effect.sync(() => spansAtCommit.push(span.name))),
        Effect.ignore,
        Effect.zipRight(send("UpdateItem", async () => undefined)),
        Effect.zipRight(state.store.service.commit(request))
      )
  })
  return Layer.mergeAll(state.layer, store, layerNoop)
}

describe("tracing", () => {
  it.effect("spans batch → row commit → store request, with pipeline, shard, counts, strategy and outcomes", () => {
    const exporter = new InMemorySpanExporter()
    return Effect.gen(function*() {
      expect(yield* tracingEnabled).toBe(true)
      const result = yield* processBatch(views, schemaDecoder(PageView), recordsOf(["a", "b", "a", ""]), { shardId: "shardId-000000000001" })
      expect(result.outcomes.map((o) => o._tag)).toEqual(["Succeeded", "Succeeded", "Succeeded", "DecodeFailed"])
      const spans = exporter.getFinishedSpans()
      const byName = (name: string) => spans.filter((span) => span.name === name)
      const [batch] = byName("murmur.batch")
      expect(batch!.attributes).toMatchObject({
        pipeline: "views",
        shard: "shardId-000000000001",
        records: 4,
        rows: 2,
        strategy: "Fenced",
        "outcomes.succeeded": 3,
        "outcomes.decode_failed": 1,
        "outcomes.failed": 0
      })
      const rows = byName("murmur.commit_row")
      expect(rows).toHaveLength(2)
      const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId
      for (const row of rows) {
        expect(parentOf(row)).toBe(batch!.spanContext().spanId)
        expect(row.attributes).toMatchObject({ pipeline: "views", table: "views", strategy: "Fenced", outcome: "applied", duplicates: 0 })
      }
      expect(rows.map((row) => row.attributes.contributions).sort()).toEqual([1, 2])
      const requests = byName("dynamodb.UpdateItem")
      expect(requests).toHaveLength(2)
      const rowIds = new Set(rows.map((row) => row.spanContext().spanId))
      for (const request of requests) {
        expect(rowIds.has(parentOf(request)!)).toBe(true)
        expect(request.attributes).toMatchObject({ "db.system": "dynamodb", "db.operation": "UpdateItem" })
      }
      expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1)
    }).pipe(
      Effect.provide(stateWithRequests()),
      Effect.provide(layerOtel({ serviceName: "unit", spanProcessor: new SimpleSpanProcessor(exporter) }))
    )
  })

  it.effect("is off without a tracer: no spans are made", () => {
    const spansAtCommit: Array<string> = []
    return Effect.gen(function*() {
      expect(yield* tracingEnabled).toBe(false)
      const result = yield* processBatch(views, schemaDecoder(PageView), recordsOf(["a", "b"]), { shardId: "s" })
      expect(result.outcomes.map((o) => o._tag)).toEqual(["Succeeded", "Succeeded"])
      // No span at all around the commits (not even Effect's built-in ones).
      expect(spansAtCommit).toEqual([])
    }).pipe(Effect.provide(stateWithRequests(spansAtCommit)))
  })
})
