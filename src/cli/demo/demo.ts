/**
 * `murmur demo`: kinesalite and DynamoDB Local in this process, a seeded page-view stream on 4
 * shards, the polling consumer and the Lambda handler aggregating it side by side into one
 * table, live progress, a verified report, then the query HTTP API until Ctrl-C.
 *
 * The split: the consumer runs the hourly pipeline (`page-views`) over all shards, the Lambda
 * path runs the all-time pipeline (`page-views-all-time`) over all shards, so each driver's
 * totals can be checked on their own against the produced events. Three more consumers run the
 * sketch pipelines (unique visitors, top pages, trending pages), checked against exact counts.
 * With `workers`, the hourly pipeline is read by that many lease-sharing workers (`runWorker`)
 * instead of one `runConsumer`, and the output names which worker holds which shard.
 */
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { DemoFailed, type PortTaken, serverFailed } from "../errors.js"
import { ensurePortFree } from "../ports.js"
import { makeKinesisHandler } from "../../kinesis/lambda/handler.js"
import { MetricsSnapshots } from "../../metrics/memory.js"
import { KinesisApi, KinesisClient } from "../../kinesis/stream/KinesisApi.js"
import { makeProgress } from "../../kinesis/stream/progress.js"
import type { ConsumerConfig } from "../../kinesis/consumer/config.js"
import { runConsumer } from "../../kinesis/consumer/runConsumer.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import { serveQuery } from "../../query/http/server.js"
import { defaultDemoEvents, defaultDemoPort } from "../args.js"
import { startKinesalite } from "../../local/kinesalite.js"
import { runLambdaPath } from "../localLambda/lambdaPath.js"
import { defaultSeed, demoSpanMs, generatePageViews } from "./generate.js"
import { countryKey, demoPipelines, pageKey, type PageView, pageViewDecoder } from "./pageViews.js"
import { produce, createStream } from "./produce.js"
import { driverTotals, formatCount } from "../progress.js"
import { progressLine, type ProgressSample } from "./progressLine.js"
import { report } from "./report.js"
import { allPagesKey, sketchKeys, sketchPipelines, sketchReport, trendingKey, uniquesKey } from "./sketches.js"
import { demoState } from "./state.js"
import { awaitBalanced, demoLeaseDurationMs, demoLeaseRenewMs, demoWorkerIds, forkDemoWorkers, formatOwners, makeLeaseOwners } from "./workers.js"

/** Options of `demo`; all optional. */
export interface DemoOptions {
  /** Valid page views to produce. Default 50,000. */
  readonly events?: number
  /** Serve the query HTTP API after the report, until interrupted. Default true. */
  readonly serve?: boolean
  /** Port of the query HTTP API on 127.0.0.1. Default 8787; 0 picks a free one. */
  readonly port?: number
  /** Use the in-memory store even when Java is present. */
  readonly memory?: boolean
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local. */
  readonly dynamodbEndpoint?: string
  /** Appended to the table, stream and consumer names (to share a DynamoDB with others). */
  readonly nameSuffix?: string
  /** Seed of the generated events. */
  readonly seed?: number
  /** When production starts, epoch ms (events happen in the hours before). Default: the Clock. */
  readonly startMs?: number
  /** Where lines go. Default `Console.log`. */
  readonly say?: (line: string) => Effect.Effect<void>
  /** Between progress lines. Default 1 s. */
  readonly progressInterval?: Duration.DurationInput
  /** Fail when neither driver has moved for this long before catching up. Default 60 s. */
  readonly stallTimeout?: Duration.DurationInput
  /**
   * Read the hourly pipeline with this many lease-sharing workers (`runWorker`, ids `worker-1`…)
   * instead of one `runConsumer`. Default: one `runConsumer`.
   */
  readonly workers?: number | undefined
}

/** What a finished (non-serving) demo run returns. */
export interface DemoSummary {
  readonly produced: number
  readonly malformed: number
  readonly backend: "memory" | "dynamodb"
  /** Distinct malformed records each driver reported. */
  readonly decodeErrors: { readonly consumer: number; readonly lambda: number }
  /** With `workers`: the lease owner of each shard at the end, by shard id. */
  readonly owners?: Readonly<Record<string, string>>
}

/** A decode error's message on one line, shortened: schema errors span several. */
const oneLine = (message: string) => {
  const flat = message.replace(/\s*\n\s*/g, " ")
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat
}

/** An error's message, else its cause's (the server's ServeError carries an empty message and the socket error as cause). */
const reasonOf = (error: { readonly message: string; readonly cause?: unknown }): string =>
  error.message !== "" ? error.message : error.cause instanceof Error ? error.cause.message : String(error.cause ?? "unknown reason")

/** Shards of the demo stream. */
export const demoShards = 4

/**
 * Runs the demo. Without `serve: false` it serves the query API until interrupted (Ctrl-C under
 * `NodeRuntime.runMain`), then stops the drivers and servers: every resource is scoped.
 *
 * @example
 * const summary = yield* demo({ events: 2_000, serve: false, memory: true })
 */
export const demo = (options: DemoOptions = {}): Effect.Effect<DemoSummary, DemoFailed | PortTaken> =>
  Effect.scoped(Effect.gen(function*() {
    const say = options.say ?? ((line: string) => Console.log(line))
    // Checked now, not after the run: the API is served only once the report is done.
    if (options.serve !== false) yield* ensurePortFree(options.port ?? defaultDemoPort, "the query API", "--port")
    const suffix = options.nameSuffix ?? ""
    const valid = options.events ?? defaultDemoEvents
    const names = {
      stream: `murmur-demo-page-views${suffix}`,
      aggregates: `murmur-demo-aggregates${suffix}`,
      checkpoints: `murmur-demo-checkpoints${suffix}`,
      app: `murmur-demo${suffix}`
    }

    const workerIds = options.workers === undefined ? undefined : demoWorkerIds(options.workers)
    yield* say(
      `Murmur demo: ${formatCount(valid)} page views on a ${demoShards}-shard stream, two drivers, one table` +
        (workerIds === undefined ? "" : ` (the consumer as ${workerIds.length} lease-sharing workers)`)
    )
    const state = yield* demoState({
      memory: options.memory ?? false,
      dynamodbEndpoint: options.dynamodbEndpoint,
      aggregatesTable: names.aggregates,
      checkpointsTable: names.checkpoints
    })
    yield* say(state.description)
    const kinesis = yield* Effect.mapError(startKinesalite, serverFailed)
    yield* createStream(kinesis.client, names.stream, demoShards)
    yield* say(`stream: ${names.stream} (${demoShards} shards) on kinesalite at ${kinesis.endpoint}`)

    const clockStartMs = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    const startMs = options.startMs ?? clockStartMs
    const events = yield* generatePageViews(valid, options.seed ?? defaultSeed, startMs)
    const total = events.records.length
    const pipelines = demoPipelines(names.aggregates)
    const services = Layer.succeedContext(state.context)
    const kinesisApi = KinesisApi.layer.pipe(Layer.provide(KinesisClient.layerClient(kinesis.client)))
    // Distinct records, by sequence number: a retried batch reports its malformed records again.
    const malformedSeen = { consumer: new Set<string>(), lambda: new Set<string>() }

    // Driver 1: the polling consumer (or its workers), hourly pipeline, every shard.
    const consumerProgress = yield* makeProgress
    const consumerConfig: ConsumerConfig = {
      app: names.app,
      stream: names.stream,
      startingPosition: "TRIM_HORIZON",
      pollIntervalMs: 250,
      progress: consumerProgress,
      onDecodeError: (record, error) =>
        Effect.suspend(() => {
          malformedSeen.consumer.add(record.sequence ?? record.eventId)
          return say(`  consumer: malformed record ${record.sequence ?? record.eventId} skipped and reported (${error.reason}: ${oneLine(error.message)})`)
        })
    }
    const owners = makeLeaseOwners()
    if (workerIds === undefined) {
      yield* runConsumer(pipelines.hourly, pageViewDecoder, consumerConfig).pipe(Effect.provide(Layer.merge(services, kinesisApi)), Effect.forkScoped)
    } else {
      yield* forkDemoWorkers(pipelines.hourly, pageViewDecoder, consumerConfig, workerIds, owners).pipe(Effect.provide(Layer.merge(services, kinesisApi)))
    }

    // The sketch pipelines: one more consumer each (their own checkpoints), quiet about the
    // malformed records the first consumer already reports.
    const sketches = sketchPipelines(names.aggregates)
    const runSketch = <V>(sketch: Pipeline<PageView, V>) =>
      Effect.gen(function*() {
        const progress = yield* makeProgress
        yield* runConsumer(sketch, pageViewDecoder, {
          app: `${names.app}-${sketch.name}`,
          stream: names.stream,
          startingPosition: "TRIM_HORIZON",
          pollIntervalMs: 250,
          progress,
          onDecodeError: () => Effect.void
        }).pipe(Effect.provide(Layer.merge(services, kinesisApi)), Effect.forkScoped)
        return { name: "consumer", pipeline: sketch.name, progress: SubscriptionRef.get(progress) }
      })
    const sketchDrivers = yield* Effect.all([runSketch(sketches.uniques), runSketch(sketches.topPages), runSketch(sketches.trending)])
    // The sketches' progress is their slowest consumer's.
    const sketchTotals = Effect.map(Effect.forEach(sketchDrivers, (driver) => driver.progress), (all) =>
      all.map(driverTotals).reduce((slowest, totals) => (totals.records < slowest.records ? totals : slowest)))

    // Driver 2: the Lambda handler, all-time pipeline, fed as the event-source mapping feeds it.
    const lambdaProgress = yield* makeProgress
    const handler = yield* Effect.acquireRelease(
      makeKinesisHandler(pipelines.allTime, pageViewDecoder, {
        layer: services,
        onDecodeError: (_raw, sequenceNumber, _partitionKey, error) => {
          malformedSeen.lambda.add(sequenceNumber)
          return Effect.runPromise(say(`  lambda:   malformed record ${sequenceNumber} skipped and reported (${error.reason}: ${oneLine(error.message)})`))
        }
      }).pipe(Effect.mapError((cause) => new DemoFailed({ reason: "server", message: cause.message, cause }))),
      (handler) => Effect.promise(() => handler.dispose())
    )
    yield* runLambdaPath(handler, { stream: names.stream, batchSize: 1_000, pollIntervalMs: 250, progress: lambdaProgress }).pipe(
      Effect.provide(kinesisApi),
      Effect.forkScoped
    )

    // The query server and its dashboard start before production, so its live figures move.
    const server = options.serve === false ? undefined : yield* serveQuery({
      pipelines: [pipelines.hourly, pipelines.allTime, sketches.uniques, sketches.topPages, sketches.trending],
      port: options.port ?? defaultDemoPort,
      live: {
        drivers: [
          {
            name: "consumer",
            pipeline: pipelines.hourly.name,
            progress: SubscriptionRef.get(consumerProgress),
            owners: workerIds === undefined ? undefined : owners.current
          },
          { name: "lambda", pipeline: pipelines.allTime.name, progress: SubscriptionRef.get(lambdaProgress) },
          ...sketchDrivers
        ],
        metrics: Context.get(state.context, MetricsSnapshots).snapshot,
        keys: {
          [pipelines.hourly.name]: [...events.pages.map(pageKey), ...events.countries.map(countryKey)],
          [pipelines.allTime.name]: events.pages.map(pageKey),
          ...sketchKeys(sketches, events.pages)
        }
      }
    }).pipe(
      Effect.provide(services),
      Effect.mapError((cause) => new DemoFailed({ reason: "server", message: `the query API could not start: ${reasonOf(cause)}`, cause }))
    )
    if (server !== undefined) yield* say(`dashboard: ${server.url}/ (live while the demo runs)`)

    // Live progress, once a second while producing and catching up.
    let produced = 0
    const sample = Effect.gen(function*() {
      const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
      return {
        elapsedMs: now - clockStartMs,
        produced,
        total,
        consumer: driverTotals(yield* SubscriptionRef.get(consumerProgress)),
        lambda: driverTotals(yield* SubscriptionRef.get(lambdaProgress)),
        sketches: yield* sketchTotals,
        leases: workerIds === undefined ? undefined : formatOwners(workerIds, yield* owners.current)
      } satisfies ProgressSample
    })
    let previous = yield* sample
    const printProgress = Effect.flatMap(sample, (current) => {
      const line = progressLine(current, previous)
      previous = current
      return say(line)
    })
    const printer = yield* printProgress.pipe(
      Effect.delay(options.progressInterval ?? "1 second"),
      Effect.forever,
      Effect.forkScoped
    )

    const stallMs = Duration.toMillis(Duration.decode(options.stallTimeout ?? "60 seconds"))
    if (workerIds !== undefined) {
      // Production starts once the workers have spread the shards, so every worker reads some.
      const balanced = yield* awaitBalanced(owners, workerIds, demoShards, stallMs)
      yield* say(
        `workers: ${formatOwners(workerIds, balanced)} (leases on ${names.checkpoints}: ` +
          `${demoLeaseDurationMs / 1000} s, renewed every ${demoLeaseRenewMs / 1000} s)`
      )
    }
    yield* produce(kinesis.client, names.stream, events.records, (count) => Effect.sync(() => { produced += count }))
    // Wait for both drivers; give up only when neither has moved for `stallTimeout` (a slow,
    // loaded machine is fine, a stuck driver is not).
    let seen = -1
    let movedAt = 0
    const caughtUp = Effect.flatMap(sample, (current) => {
      const sketched = current.sketches.records
      if (current.consumer.records >= total && current.lambda.records >= total && sketched >= total) return Effect.succeed(true)
      const now = current.consumer.records + current.lambda.records + sketched
      if (now !== seen) {
        seen = now
        movedAt = current.elapsedMs
      }
      return current.elapsedMs - movedAt <= stallMs
        ? Effect.succeed(false)
        : Effect.fail(new DemoFailed({
          reason: "timeout",
          message: `the drivers stopped making progress for ${Duration.format(Duration.millis(stallMs))} ` +
            `(consumer ${formatCount(current.consumer.records)}, lambda ${formatCount(current.lambda.records)}, ` +
            `sketch consumers ${formatCount(sketched)} of ${formatCount(total)} records)`
        }))
    })
    yield* caughtUp.pipe(Effect.repeat({ schedule: Schedule.spaced("100 millis"), until: (done) => done }))
    yield* Fiber.interrupt(printer)
    yield* printProgress
    const decodeErrors = { consumer: malformedSeen.consumer.size, lambda: malformedSeen.lambda.size }
    yield* say(
      `caught up: both drivers read all ${formatCount(total)} records; malformed records reported: ` +
        `consumer ${decodeErrors.consumer}, lambda ${decodeErrors.lambda} (${events.malformed} produced)`
    )
    const finalOwners = workerIds === undefined ? undefined : yield* owners.current
    if (workerIds !== undefined && finalOwners !== undefined) {
      const counts = yield* owners.counts
      yield* say(
        `leases: ${formatOwners(workerIds, finalOwners)} ` +
          `(${counts.taken} taken, ${counts.stolen} of them stolen to balance, ${counts.lost} lost)`
      )
    }

    const nowMs = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    yield* Effect.zipRight(report(pipelines, events, startMs, nowMs, say), sketchReport(sketches, events, startMs, nowMs, say)).pipe(
      Effect.catchTags({
        StoreError: (cause) => Effect.fail(new DemoFailed({ reason: "server", message: `reading back failed: ${cause.message}`, cause })),
        InvalidKey: (cause) => Effect.die(cause),
        RangeTooLarge: (cause) => Effect.die(cause),
        WindowRequired: (cause) => Effect.die(cause),
        NotWindowed: (cause) => Effect.die(cause),
        InvalidRange: (cause) => Effect.die(cause)
      }),
      Effect.provide(services)
    )
    const summary: DemoSummary = {
      produced: events.valid,
      malformed: events.malformed,
      backend: state.backend,
      decodeErrors,
      ...(finalOwners === undefined ? {} : { owners: finalOwners })
    }
    if (server === undefined) return summary

    yield* say("")
    yield* say(`Query API on ${server.url} (dashboard: ${server.url}/, Swagger UI: ${server.url}/docs). Try:`)
    yield* say(`  curl '${server.url}/pipelines'`)
    yield* say(`  curl '${server.url}/pipelines/page-views-all-time/values?key=page:/&key=page:/pricing'`)
    yield* say(`  curl '${server.url}/pipelines/page-views/window?key=country:US&key=country:DE&last=1%20hour'`)
    yield* say(`  curl '${server.url}/pipelines/page-views/range?key=page:/docs&start=${new Date(startMs - demoSpanMs).toISOString()}&end=${new Date(Math.max(nowMs, startMs)).toISOString()}'`)
    yield* say(`  curl '${server.url}/pipelines/${sketches.uniques.name}/window?key=${uniquesKey("/")}&key=${uniquesKey("/pricing")}&last=7h'`)
    yield* say(`  curl '${server.url}/pipelines/${sketches.topPages.name}/window?key=${allPagesKey}&last=7h'`)
    yield* say(`  curl '${server.url}/pipelines/${sketches.trending.name}/top?n=5'  # also: values?key=${trendingKey("/docs")}`)
    yield* say("The drivers keep running; press Ctrl-C to stop.")
    return yield* Effect.never.pipe(
      Effect.onInterrupt(() => say("stopping: drivers, query API, kinesalite" + (state.backend === "dynamodb" ? " and DynamoDB" : "")))
    )
  }))
