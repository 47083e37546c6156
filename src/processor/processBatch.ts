/**
 * The processor: turns a batch of source records into store commits and reports one outcome per
 * record. Both drivers (Lambda handler, polling consumer) call it and never re-implement it.
 */
import * as Cause from "effect/Cause"
import type * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { type InvalidConfig, InvalidKey, type RecordError, RetriesExhausted, StoreError } from "../errors.js"
import { Metrics, type MetricsService } from "../metrics/Metrics.js"
import type { Pipeline } from "../pipeline/Pipeline.js"
import { resolveRetryPolicy, type RetryPolicy } from "../retry/index.js"
import { Cache, type CacheService } from "../state/Cache.js"
import type { CommitOutcome, CommitRequest, CommitStrategy } from "../state/Commit.js"
import { Store, type StoreService } from "../state/Store.js"
import { commitUnit, type UnitResult } from "./commitRow.js"
import { type BatchPlan, type CommitUnit, type IndexedContribution, planBatch, type RowPlan } from "./plan.js"
import { resolveStrategy } from "./strategy.js"
import type { BatchOptions, BatchResult, Decoder, RecordOutcome, SourceRecord } from "./types.js"
import { outcomeCounts, spanNames, tracingEnabled } from "../tracing/spans.js"

/** Commits in flight at once, by default. */
export const defaultConcurrency = 16

/**
 * Whether a failed commit may have been caused by its contributions, so splitting it finds the
 * ones to blame: the store refused the data for good (`validation`), or combining threw
 * (`defect`). Never transient failures (a later try may pass), a wrong environment (no table,
 * no access, no claims table) or an unclassified error, which every split would hit alike.
 */
const isolable = (error: StoreError | RetriesExhausted): boolean =>
  error instanceof StoreError && !error.transient && (error.reason === "validation" || error.reason === "defect")

const succeeded: RecordOutcome = { _tag: "Succeeded" }
const duplicate: RecordOutcome = { _tag: "Duplicate" }
const notAttempted: RecordOutcome = { _tag: "NotAttempted" }

/*
 * Mutable bookkeeping of one batch run, shared by its row fibers (JS runs one at a time).
 * Shaped for speed, as bench/processor.bench.ts measures (a 10,000-record batch against a plain
 * loop): a class with fixed fields and typed arrays indexed by record instead of per-record
 * objects or Effect state, and methods returning plain Effects (no generator per commit), so the
 * success path allocates little beyond the commits themselves.
 */
class BatchRun<E, V> {
  readonly pipeline: Pipeline<E, V>
  readonly records: ReadonlyArray<SourceRecord>
  readonly plan: BatchPlan<V>
  readonly strategy: CommitStrategy
  readonly options: BatchOptions
  readonly store: StoreService
  readonly metrics: MetricsService
  readonly cache: CacheService | undefined
  readonly clock: Clock.Clock
  readonly policy: RetryPolicy
  readonly failures: Array<RecordError | undefined> = []
  readonly skipped: Uint8Array
  readonly duplicates: Int32Array
  firstFailed = Number.POSITIVE_INFINITY
  /** Commits that failed (after retries, or for good), counted as `<pipeline>:row_failed`. */
  rowFailures = 0
  readonly stopRowOnFailure: boolean
  readonly inOrder: boolean
  readonly shouldStop: (() => boolean) | undefined
  /** A real tracer is installed: each row commit gets a span (see src/tracing). */
  traced = false

  constructor(setup: BatchRunSetup<E, V>) {
    const { records, options, strategy, plan } = setup
    this.pipeline = setup.pipeline
    this.records = records
    this.plan = plan
    this.strategy = strategy
    this.options = options
    this.store = setup.store
    this.metrics = setup.metrics
    this.cache = setup.cache
    this.clock = setup.clock
    this.policy = setup.policy
    this.skipped = new Uint8Array(records.length)
    this.duplicates = new Int32Array(records.length)
    this.inOrder = options.inOrder ?? options.shardId !== undefined
    this.shouldStop = options.shouldStop
    // A fenced row must never move its mark past a contribution that was not applied.
    this.stopRowOnFailure = this.inOrder || strategy._tag === "Fenced"
    // A record failed before any commit (an invalid key under `invalidKey: "fail"`) stops later work too.
    if (this.inOrder) {
      const first = plan.rejected.findIndex((rejection) => rejection instanceof InvalidKey)
      if (first >= 0) this.firstFailed = first
    }
  }

  mayStart(unit: CommitUnit<V>): boolean {
    if (this.shouldStop !== undefined && this.shouldStop()) return false
    return !this.inOrder || unit.contributions[0]!.index < this.firstFailed
  }

  skip(units: ReadonlyArray<CommitUnit<V>>, from: number): void {
    for (let u = from; u < units.length; u++) for (const { index } of units[u]!.contributions) this.skipped[index] = 1
  }

  fail(contributions: ReadonlyArray<IndexedContribution<V>>, error: RecordError): void {
    for (const { index } of contributions) {
      if (this.failures[index] === undefined) this.failures[index] = error
      if (index < this.firstFailed) this.firstFailed = index
    }
  }

  markDuplicates(contributions: ReadonlyArray<IndexedContribution<V>>, alreadyApplied: ReadonlyArray<string>): void {
    const ids = new Set(alreadyApplied)
    for (const { eventId, index } of contributions) if (ids.has(eventId)) this.duplicates[index]!++
  }

  // The store refused some contributions for good (row budget, a combine that threw) and, on a
  // fenced row, held back the ones after the first: those records fail or wait, nothing else.
  markRefused(contributions: ReadonlyArray<IndexedContribution<V>>, outcome: CommitOutcome<V>): void {
    const refused = outcome.refused ?? []
    const held = new Set(outcome.held)
    const errors = new Map(refused.map(({ error, eventId }) => [eventId, error]))
    for (const c of contributions) {
      const error = errors.get(c.eventId)
      if (error !== undefined) this.fail([c], error)
      else if (held.has(c.eventId)) this.skipped[c.index] = 1
    }
  }

  traceRow(commit: Effect.Effect<UnitResult<V>>, request: CommitRequest<V>): Effect.Effect<UnitResult<V>> {
    if (!this.traced) return commit
    const attributes = {
      pipeline: request.pipeline,
      table: request.table,
      bucket: request.key.bucket,
      contributions: request.contributions.length,
      strategy: request.strategy._tag
    }
    return commit.pipe(
      Effect.tap((result) =>
        Effect.annotateCurrentSpan(
          result instanceof StoreError || result instanceof RetriesExhausted
            ? { outcome: result._tag }
            : { outcome: "applied", duplicates: result.alreadyApplied.length }
        )),
      Effect.withSpan(spanNames.commitRow, { attributes, captureStackTrace: false })
    )
  }

  commit(row: RowPlan<V>, unit: CommitUnit<V>): Effect.Effect<boolean> {
    return this.commitPart(row, unit.contributions)
  }

  /**
   * Commits some of a unit's contributions; succeeds with whether they all went in. A rejection
   * that no retry can cure and that the contributions may have caused (`isolable`) is narrowed
   * down by halves, so only the offending records fail: in order (fenced rows, in-order mode) the
   * first offender, with everything before it applied and everything after it not attempted;
   * otherwise every offender, each half committed on its own.
   */
  commitPart(row: RowPlan<V>, contributions: ReadonlyArray<IndexedContribution<V>>): Effect.Effect<boolean> {
    const { pipeline, clock, metrics } = this
    const request: CommitRequest<V> = {
      pipeline: pipeline.name,
      table: pipeline.store,
      monoid: pipeline.monoid,
      key: row.key,
      ttl: row.ttl,
      strategy: this.strategy,
      contributions
    }
    const started = clock.unsafeCurrentTimeNanos()
    return Effect.flatMap(this.traceRow(commitUnit(this.store, metrics, this.policy, request), request), (result: UnitResult<V>) => {
      if (result instanceof StoreError || result instanceof RetriesExhausted) {
        if (contributions.length > 1 && isolable(result)) return this.isolate(row, contributions)
        this.rowFailures++
        this.fail(contributions, result)
        return Effect.succeed(false)
      }
      if (result.alreadyApplied.length > 0) this.markDuplicates(contributions, result.alreadyApplied)
      const complete = result.refused === undefined && result.held === undefined
      if (!complete) this.markRefused(contributions, result)
      const latency = metrics.latency(pipeline.name, "store_merge", Number(clock.unsafeCurrentTimeNanos() - started) / 1e6)
      const { monoid } = pipeline
      if (this.cache === undefined || !pipeline.cache || monoid.equals(result.applied, monoid.empty)) {
        return Effect.as(latency, complete)
      }
      return latency.pipe(Effect.zipRight(this.mergeCache(row, result.applied)), Effect.as(complete))
    })
  }

  isolate(row: RowPlan<V>, contributions: ReadonlyArray<IndexedContribution<V>>): Effect.Effect<boolean> {
    const middle = contributions.length >>> 1
    const left = contributions.slice(0, middle)
    const right = contributions.slice(middle)
    return Effect.flatMap(this.commitPart(row, left), (leftDone) => {
      if (!leftDone && this.stopRowOnFailure) {
        for (const { index } of right) this.skipped[index] = 1
        return Effect.succeed(false)
      }
      return Effect.map(this.commitPart(row, right), (rightDone) => leftDone && rightDone)
    })
  }

  // The cache is never authoritative: its failures are recorded and never fail the record.
  mergeCache(row: RowPlan<V>, applied: V): Effect.Effect<void> {
    const { pipeline, clock, metrics } = this
    const started = clock.unsafeCurrentTimeNanos()
    return this.cache!.merge(pipeline.store, pipeline.monoid, row.key, applied, row.ttl).pipe(
      Effect.catchAllCause((cause) =>
        Cause.isInterrupted(cause)
          ? Effect.failCause(cause as Cause.Cause<never>)
          : metrics.error(`${pipeline.name}:cache`, Cause.squash(cause))
      ),
      Effect.zipRight(
        Effect.suspend(() =>
          metrics.latency(pipeline.name, "cache_merge", Number(clock.unsafeCurrentTimeNanos() - started) / 1e6)
        )
      )
    )
  }

  runRow(row: RowPlan<V>): Effect.Effect<void> {
    const units = row.units
    const step = (u: number): Effect.Effect<void> => {
      if (u >= units.length) return Effect.void
      const unit = units[u]!
      if (!this.mayStart(unit)) {
        this.skip(units, u)
        return Effect.void
      }
      return Effect.flatMap(this.commit(row, unit), (ok) => {
        if (!ok && this.stopRowOnFailure) {
          this.skip(units, u + 1)
          return Effect.void
        }
        return step(u + 1)
      })
    }
    return step(0)
  }

  runRows(): Effect.Effect<void> {
    const rows = this.plan.rows
    if (rows.length === 0) return Effect.void
    if (rows.length === 1) return this.runRow(rows[0]!)
    const lanes = Math.min(rows.length, Math.max(1, Math.floor(this.options.concurrency ?? defaultConcurrency)))
    // A few lanes pulling rows from a shared cursor: as many fibers as lanes, not one per row.
    // Shaped for speed (bench/processor.bench.ts): a fiber per row costs more than its commit.
    let next = 0
    const lane: Effect.Effect<void> = Effect.suspend(() =>
      next < rows.length ? Effect.flatMap(this.runRow(rows[next++]!), () => lane) : Effect.void
    )
    if (lanes === 1) return lane
    return Effect.all(Array.from({ length: lanes }, () => lane), { concurrency: "unbounded", discard: true })
  }

  outcomes(): Array<RecordOutcome> {
    const { rejected, contributionCounts } = this.plan
    const outcomes: Array<RecordOutcome> = new Array(this.records.length)
    let stopped = false
    for (let i = 0; i < outcomes.length; i++) {
      if (stopped) {
        outcomes[i] = notAttempted
        continue
      }
      const rejection = rejected[i]
      const failure = this.failures[i]
      let outcome: RecordOutcome
      if (rejection !== undefined) {
        outcome = rejection instanceof InvalidKey
          ? { _tag: "Failed", error: rejection }
          : { _tag: "DecodeFailed", error: rejection }
      } else if (failure !== undefined) outcome = { _tag: "Failed", error: failure }
      else if (this.skipped[i] === 1) outcome = notAttempted
      else if (contributionCounts[i]! > 0 && this.duplicates[i] === contributionCounts[i]) outcome = duplicate
      else outcome = succeeded
      outcomes[i] = outcome
      // In order: the first record not done stays as it is and every later one is not processed,
      // so a Kinesis driver can report one sequence number.
      if (this.inOrder && (outcome._tag === "Failed" || outcome._tag === "NotAttempted")) stopped = true
    }
    return outcomes
  }

  report(outcomes: ReadonlyArray<RecordOutcome>): Effect.Effect<void> {
    const { metrics, pipeline, options } = this
    let merged = 0
    let duplicates = 0
    const decodeFailures: Array<number> = []
    for (let i = 0; i < outcomes.length; i++) {
      const tag = outcomes[i]!._tag
      if (tag === "Succeeded") merged++
      else if (tag === "Duplicate") duplicates++
      else if (tag === "DecodeFailed") decodeFailures.push(i)
    }
    const name = pipeline.name
    const effects: Array<Effect.Effect<void>> = []
    if (merged > 0) effects.push(metrics.increment(name, merged))
    if (duplicates > 0) effects.push(metrics.increment(`${name}:dedup_skip`, duplicates))
    if (this.rowFailures > 0) effects.push(metrics.increment(`${name}:row_failed`, this.rowFailures))
    if (decodeFailures.length > 0) {
      effects.push(metrics.increment(`${name}:decode_error`, decodeFailures.length))
      const onDecodeError = options.onDecodeError
      if (onDecodeError !== undefined) {
        for (const i of decodeFailures) {
          const outcome = outcomes[i] as Extract<RecordOutcome, { _tag: "DecodeFailed" }>
          effects.push(
            Effect.catchAllDefect(onDecodeError(this.records[i]!, outcome.error), (defect) =>
              metrics.error(`${name}:decode_error`, defect))
          )
        }
      }
    }
    if (effects.length === 0) return Effect.void
    return Effect.forEach(effects, (effect) => effect, { discard: true })
  }
}

/** What one batch run works with, resolved once per batch. */
type BatchRunSetup<E, V> = Pick<
  BatchRun<E, V>,
  "pipeline" | "records" | "plan" | "strategy" | "options" | "store" | "metrics" | "cache" | "clock" | "policy"
>

const configFailure = (records: ReadonlyArray<SourceRecord>, error: InvalidConfig): BatchResult => {
  const outcome: RecordOutcome = { _tag: "Failed", error }
  return { outcomes: records.map(() => outcome) }
}

/**
 * Processes an ordered batch of records: decode, extract keys and values, coalesce additive deltas
 * per (key, bucket), commit each row once with its delivery strategy (retrying transient store
 * errors with full-jitter backoff), merge into the cache, and report one outcome per record.
 * Never fails: every problem is an outcome. Interruption stops it at once.
 *
 * Requires `Store` and `Metrics`; uses `Cache` when provided and `pipeline.cache` is on.
 *
 * @example
 * const result = yield* processBatch(pageViews, schemaDecoder(PageView), records, { shardId: "shardId-000" })
 * result.outcomes.filter((o) => o._tag === "Failed")
 */
export const processBatch = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  records: ReadonlyArray<SourceRecord>,
  options: BatchOptions = {}
): Effect.Effect<BatchResult, never, Store | Metrics> =>
  Effect.flatMap(Effect.context<Store | Metrics>(), (context) =>
    Effect.flatMap(Effect.serviceOption(Cache), (cache) =>
      Effect.clockWith((clock) =>
        Effect.suspend(() => {
          const strategy = resolveStrategy(pipeline, options, records)
          if (Either.isLeft(strategy)) return Effect.succeed(configFailure(records, strategy.left))
          const plan = planBatch(pipeline, decoder, records, pipeline.monoid.additive, options.invalidKey === "fail")
          const run = new BatchRun({
            pipeline,
            records,
            plan,
            strategy: strategy.right,
            options,
            store: Context.get(context, Store),
            metrics: Context.get(context, Metrics),
            cache: Option.getOrUndefined(cache),
            clock,
            policy: resolveRetryPolicy(options.retry)
          })
          const attributes = {
            pipeline: pipeline.name,
            ...(options.shardId === undefined ? {} : { shard: options.shardId }),
            records: records.length,
            rows: plan.rows.length,
            strategy: strategy.right._tag
          }
          return Effect.flatMap(tracingEnabled, (traced) => {
            run.traced = traced
            const batch = Effect.flatMap(run.runRows(), () => {
              const outcomes = run.outcomes()
              const reported = Effect.as(run.report(outcomes), { outcomes })
              return traced ? Effect.zipRight(Effect.annotateCurrentSpan(outcomeCounts(outcomes)), reported) : reported
            })
            // Spans only when exported: with none, failures are not wrapped and nothing is allocated.
            return traced ? Effect.withSpan(batch, spanNames.batch, { attributes, captureStackTrace: false }) : batch
          })
        })
      )))

/**
 * Processes one record (one or many keys): `processBatch` of a single record.
 *
 * @example
 * const outcome = yield* processRecord(pageViews, schemaDecoder(PageView), record)
 */
export const processRecord = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  record: SourceRecord,
  options: BatchOptions = {}
): Effect.Effect<RecordOutcome, never, Store | Metrics> =>
  Effect.map(processBatch(pipeline, decoder, [record], options), (result) => result.outcomes[0]!)
