/**
 * What the dashboard tests look at: kinesalite with a 2-shard stream, the polling consumer
 * running two page-view pipelines (hourly and all-time) into the memory store with memory
 * metrics, and the query server given their progress, metrics and keys.
 */
import { CreateStreamCommand, PutRecordsCommand, waitUntilStreamExists } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { KinesisApi, KinesisClient, makeProgress, runConsumer } from "../../../src/kinesis/consumer/index.js"
import { startKinesalite } from "../../../src/local/index.js"
import { makeMemoryMetrics } from "../../../src/metrics/memory.js"
import { Metrics } from "../../../src/metrics/Metrics.js"
import { count } from "../../../src/monoid/numeric.js"
import { pipeline } from "../../../src/pipeline/Pipeline.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import { serveQuery } from "../../../src/query/http/index.js"
import * as MemoryState from "../../../src/state/memory/MemoryState.js"
import { hourly } from "../../../src/window/Window.js"

const View = Schema.Struct({ page: Schema.String, at: Schema.Number })
type View = typeof View.Type

/** 24 pages; page i is viewed about 1/(i+1) as often as the first. */
export const pages: ReadonlyArray<string> = ["/", "/pricing", "/docs", "/blog", "/signup", "/login", "/about", "/careers"]
  .concat(Array.from({ length: 16 }, (_, i) => `/docs/guide-${i + 1}`))

const hourlyViews = pipeline({
  name: "page-views",
  key: (view: View) => view.page,
  monoid: count,
  window: hourly("7 days"),
  eventTime: (view: View) => view.at,
  store: "aggregates"
})
const allTimeViews = pipeline({ name: "page-views-all-time", key: (view: View) => view.page, monoid: count, store: "aggregates" })

/** Deterministic views: a Zipf-like page choice, event times spread over the last five hours. */
const views = (from: number, n: number, nowMs: number): ReadonlyArray<View> =>
  Array.from({ length: n }, (_, i) => {
    const k = from + i
    const rank = Math.floor(pages.length * Math.pow(((k * 7919) % 1000) / 1000, 2.5))
    return { page: pages[rank]!, at: nowMs - ((k * 104_729) % (5 * 3_600_000)) }
  })

export const dashboardEnvironment = Effect.gen(function*() {
  const kinesis = yield* startKinesalite
  const stream = "dashboard-page-views"
  yield* Effect.promise(async () => {
    await kinesis.client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }))
    await waitUntilStreamExists({ client: kinesis.client, maxWaitTime: 60 }, { StreamName: stream })
  })
  const state = MemoryState.make()
  const metrics = makeMemoryMetrics()
  const services = Layer.mergeAll(
    state.layer,
    Layer.succeed(Metrics, metrics.service),
    KinesisApi.layer.pipe(Layer.provide(KinesisClient.layerClient(kinesis.client)))
  )
  const decoder = schemaDecoder(View)
  const drivers = yield* Effect.forEach([hourlyViews, allTimeViews], (target) =>
    Effect.gen(function*() {
      const progress = yield* makeProgress
      yield* runConsumer(target, decoder, {
        app: `dashboard-${target.name}`,
        stream,
        startingPosition: "TRIM_HORIZON",
        pollIntervalMs: 100,
        progress
      }).pipe(Effect.provide(services), Effect.forkScoped)
      return { name: target.name === hourlyViews.name ? "consumer (hourly)" : "consumer (all-time)", pipeline: target.name, progress: SubscriptionRef.get(progress) }
    }))
  const server = yield* serveQuery({
    pipelines: [hourlyViews, allTimeViews],
    port: 0,
    live: {
      drivers,
      metrics: Effect.sync(metrics.snapshot),
      keys: { [hourlyViews.name]: pages, [allTimeViews.name]: pages }
    }
  }).pipe(Effect.provide(state.layer))
  let produced = 0
  /** Puts `n` more views (500 per PutRecords call) and says how many there are in all. */
  const produce = (n: number): Promise<number> =>
    Effect.runPromise(Effect.gen(function*() {
      const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
      const batch = views(produced, n, now)
      for (let from = 0; from < batch.length; from += 500) {
        const records = batch.slice(from, from + 500).map((view, i) => ({
          PartitionKey: `user-${(produced + from + i) % 97}`,
          Data: new TextEncoder().encode(JSON.stringify(view))
        }))
        const response = yield* Effect.promise(() => kinesis.client.send(new PutRecordsCommand({ StreamName: stream, Records: records })))
        if ((response.FailedRecordCount ?? 0) > 0) return yield* Effect.die(new Error(`${response.FailedRecordCount} records were rejected`))
      }
      produced += n
      return produced
    }))
  return { url: server.url, produce, pipelines: [hourlyViews.name, allTimeViews.name] as const }
})
