/**
 * The smallest complete run: a page-view pipeline over the in-memory layers. Events go through
 * the same processor the Lambda handler and the polling consumer use, then are read back.
 *
 *   npx tsx examples/quickstart.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { count, schemaDecoder, layerNoop, MemoryState, pipeline, processBatch, Query, type SourceRecord, sum, Window } from "../src/index.js"

const PageView = Schema.Struct({ page: Schema.String, country: Schema.String, ms: Schema.Number })
type PageView = typeof PageView.Type

const views = pipeline({
  name: "views",
  keys: (view: PageView) => [`page:${view.page}`, `country:${view.country}`],
  monoid: count,
  window: Window.hourly("7 days"),
  store: "aggregates"
})

const timeOnPage = pipeline({
  name: "time-on-page",
  key: (view: PageView) => view.page,
  value: (view: PageView) => view.ms,
  monoid: sum,
  store: "aggregates-all-time"
})

const now = Date.now()
const encoder = new TextEncoder()
const pages = ["/", "/pricing", "/docs", "/blog"]
const records: ReadonlyArray<SourceRecord> = Array.from({ length: 1_000 }, (_, i) => ({
  eventId: `quickstart/${i}`,
  eventTimeMs: now - (i % 7) * 60_000,
  data: encoder.encode(JSON.stringify({ page: pages[i % pages.length], country: i % 3 === 0 ? "fr" : "de", ms: 10 + (i % 5) }))
}))

const program = Effect.gen(function* () {
  const decoder = schemaDecoder(PageView)
  const results = yield* Effect.all([processBatch(views, decoder, records), processBatch(timeOnPage, decoder, records)])
  const succeeded = results[0].outcomes.filter((outcome) => outcome._tag === "Succeeded").length
  yield* Console.log(`processed ${records.length} records, ${succeeded} merged into "views"`)

  const lastHour = yield* Query.windowMany(views, pages.map((page) => `page:${page}`), "2 hours")
  for (const { entity, value } of Query.topN(lastHour, pages.length)) yield* Console.log(`${entity}: ${value} views in the last two hours`)
  const countries = yield* Query.windowMany(views, ["country:fr", "country:de"], "2 hours")
  for (const { entity, value } of countries) yield* Console.log(`${entity}: ${value} views`)
  const time = yield* Query.values(timeOnPage, pages)
  for (const { entity, value } of time) yield* Console.log(`${entity}: ${value} ms on page, all-time`)
})

Effect.runPromise(program.pipe(Effect.provide(Layer.merge(MemoryState.layer, layerNoop)))).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
