/**
 * What a running application tells the query server about itself, for `/live`, `/metrics` and
 * the dashboard: driver progress per shard, a metrics snapshot, and the keys worth ranking.
 * Everything is optional; a server given none still answers, with empty lists.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { metricsJson } from "../../metrics/json.js"
import type { MetricsSnapshot } from "../../metrics/memory.js"

/** One shard as a driver last reported it (the consumer's `ShardProgress` fits). */
export interface ShardReading {
  /** Records handled so far on this shard. */
  readonly recordsProcessed: number
  /** How far behind the stream's tip the last read was; undefined before the first read. */
  readonly millisBehindLatest: number | undefined
}

/** A driver's progress: shards by id (the consumer's `ConsumerProgress` fits). */
export interface ProgressReading {
  readonly shards: Readonly<Record<string, ShardReading>>
}

/** A driver whose progress the server shows. */
export interface DriverSource {
  /** Shown as is, e.g. `consumer` or `lambda`. */
  readonly name: string
  /** The pipeline it runs. */
  readonly pipeline: string
  /** Reads its progress now, e.g. `SubscriptionRef.get(progress)`. */
  readonly progress: Effect.Effect<ProgressReading>
  /** For workers sharing the shards (`runWorker`): the current lease owner by shard id, e.g. from `onLeaseEvent`. */
  readonly owners?: Effect.Effect<Readonly<Record<string, string>>> | undefined
}

/** The live sources of a query server. */
export interface LiveSources {
  readonly drivers?: ReadonlyArray<DriverSource> | undefined
  /** The metrics recorded so far (e.g. `makeMemoryMetrics().snapshot`), for `/metrics` and the counters. */
  readonly metrics?: Effect.Effect<MetricsSnapshot> | undefined
  /**
   * The keys worth ranking per pipeline name, for `/pipelines/{name}/top`. The store cannot list
   * its keys cheaply (a DynamoDB Scan reads the whole table), so the application names them.
   */
  readonly keys?: Readonly<Record<string, ReadonlyArray<string>>> | undefined
}

/** One shard in a `/live` answer. */
export interface ShardLive {
  readonly shard: string
  readonly records: number
  readonly recordsPerSecond: number
  readonly millisBehindLatest: number | null
  /** The worker holding the shard's lease, when the driver reports owners; absent when none holds it. */
  readonly owner?: string
}

/** One driver in a `/live` answer. */
export interface DriverLive {
  readonly name: string
  readonly pipeline: string
  readonly records: number
  readonly recordsPerSecond: number
  readonly shards: ReadonlyArray<ShardLive>
}

/** Per pipeline: what went wrong so far, from the metrics counters. */
export interface PipelineCounters {
  readonly pipeline: string
  /** Records merged. */
  readonly merged: number
  /** Commit retries by the processor and batch retries by the consumer. */
  readonly retries: number
  readonly deadLetters: number
  readonly decodeErrors: number
}

/** The answer of `/live`. */
export interface LiveSnapshot {
  /** When it was read (ISO-8601). */
  readonly at: string
  readonly drivers: ReadonlyArray<DriverLive>
  readonly counters: ReadonlyArray<PipelineCounters>
}

/** Rates are measured over at least this long, so one batch is not a rate. */
const rateWindowMs = 1_000
/** Samples older than this are dropped. */
const keepMs = 10_000

interface Sample {
  readonly at: number
  /** `driver/shard` → records. */
  readonly records: ReadonlyMap<string, number>
}

/**
 * Per-pipeline counters from a metrics snapshot, under the names the processor and the drivers
 * record (`<pipeline>`, `<pipeline>:retry`, `<pipeline>:consumer_batch_retry`, `<pipeline>:dead_letter`,
 * `<pipeline>:decode_error`).
 *
 * @example
 * pipelineCounters(["page-views"], metrics.snapshot()) // [{ pipeline: "page-views", merged: 120, retries: 0, … }]
 */
export const pipelineCounters = (
  pipelines: ReadonlyArray<string>,
  snapshot: MetricsSnapshot | undefined
): ReadonlyArray<PipelineCounters> => {
  const grouped = snapshot === undefined ? undefined : metricsJson(snapshot).pipelines
  return pipelines.map((pipeline) => {
    const counters = grouped?.[pipeline]?.counters ?? {}
    return {
      pipeline,
      merged: counters.records_merged ?? 0,
      retries: (counters.retry ?? 0) + (counters.consumer_batch_retry ?? 0),
      deadLetters: counters.dead_letter ?? 0,
      decodeErrors: counters.decode_error ?? 0
    }
  })
}

/** `{ owner }` when the driver reports one for the shard, else nothing (the field stays absent). */
const ownerOf = (owners: Readonly<Record<string, string>> | undefined, shard: string): { readonly owner?: string } => {
  const owner = owners?.[shard]
  return owner === undefined ? {} : { owner }
}

/**
 * Reads the live sources on demand. Records per second come from the newest earlier reading at
 * least a second old, so nothing runs in the background and a page polling every second sees a
 * one-second rate; the first reading reports 0.
 *
 * @example
 * const live = makeLiveReader(["page-views"], { drivers: [{ name: "consumer", pipeline: "page-views", progress }] })
 * const snapshot = yield* live
 */
export const makeLiveReader = (pipelines: ReadonlyArray<string>, sources: LiveSources): Effect.Effect<LiveSnapshot> => {
  const samples: Array<Sample> = []
  const drivers = sources.drivers ?? []
  return Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const readings = yield* Effect.forEach(drivers, (driver) => driver.progress)
    const owners = yield* Effect.forEach(drivers, (driver) => driver.owners ?? Effect.succeed(undefined))
    const snapshot = sources.metrics === undefined ? undefined : yield* sources.metrics
    while (samples.length > 0 && samples[0]!.at < now - keepMs) samples.shift()
    let before: Sample | undefined
    for (const sample of samples) if (sample.at <= now - rateWindowMs) before = sample
    const records = new Map<string, number>()
    const live = drivers.map((driver, d): DriverLive => {
      const shards = Object.entries(readings[d]!.shards)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([shard, reading]): ShardLive => {
          const id = `${d}/${shard}`
          records.set(id, reading.recordsProcessed)
          const earlier = before?.records.get(id)
          const perSecond = before === undefined || earlier === undefined
            ? 0
            : ((reading.recordsProcessed - earlier) * 1000) / (now - before.at)
          return {
            shard,
            records: reading.recordsProcessed,
            recordsPerSecond: Math.max(0, Math.round(perSecond)),
            millisBehindLatest: reading.millisBehindLatest ?? null,
            ...ownerOf(owners[d], shard)
          }
        })
      return {
        name: driver.name,
        pipeline: driver.pipeline,
        records: shards.reduce((sum, shard) => sum + shard.records, 0),
        recordsPerSecond: shards.reduce((sum, shard) => sum + shard.recordsPerSecond, 0),
        shards
      }
    })
    const last = samples[samples.length - 1]
    // One sample per quarter second is plenty to find a one-second-old one.
    if (last === undefined || now - last.at >= rateWindowMs / 4) samples.push({ at: now, records })
    return { at: new Date(now).toISOString(), drivers: live, counters: pipelineCounters(pipelines, snapshot) }
  })
}
