import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord, LambdaContext } from "./events.js"
import { Cause, Clock, Duration, Effect, Either, Exit, Layer, Runtime } from "effect"
import { InvalidConfig } from "../../errors.js"
import { logBatchFailures } from "../../logging/batchFailures.js"
import { layerJsonLogger } from "../../logging/loggers.js"
import { flushMetrics } from "../../metrics/emf.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
// From its module, not the processor index: the index also exports schemaDecoder (Schema's parser).
import { processBatch } from "../../processor/processBatch.js"
import type { BatchOptions, Decoder } from "../../processor/types.js"
import { guardBase64 } from "./base64Guard.js"
import { defaultLayer } from "./defaultLayer.js"
import { applyDeadLetters } from "./deadLetters.js"
import { type ResolvedDeliveryOptions, resolveDeliveryOptions } from "./deliveryOptions.js"
import { allFailed, responseForUnidentified, responseFromOutcomes } from "./failures.js"
import { describeUnidentified, identifyRecords } from "./identify.js"
import { type HandlerServices, type KinesisHandlerOptions, type ResolvedOptions, resolveOptions } from "./options.js"
import { makeParallelGuard } from "./parallelGuard.js"
import { commonShardId, toSourceRecord } from "./records.js"
import { lazyRuntime } from "./runtime.js"
import { canNeverSucceed } from "../deadLetter.js"

/** What AWS Lambda calls, plus `dispose` to release the container's runtime (tests, shutdown hooks). */
export interface KinesisHandler {
  (event: KinesisStreamEvent, context: LambdaContext): Promise<KinesisStreamBatchResponse>
  readonly dispose: () => Promise<void>
}

/** Remaining invocation time, or infinity when the context cannot tell (local runs). */
const remainingMs = (context: LambdaContext | undefined): number =>
  typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : Infinity

/**
 * Like `kinesisHandler`, returning the configuration error instead of throwing it.
 *
 * @example
 * const handler = Either.getOrThrow(makeKinesisHandler(pageViews, schemaDecoder(PageView)))
 */
export const makeKinesisHandler = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  options?: KinesisHandlerOptions
): Either.Either<KinesisHandler, InvalidConfig> => {
  if (pipeline == null || typeof pipeline.keysOf !== "function") {
    return Either.left(new InvalidConfig({ field: "pipeline", message: "a Kinesis handler needs a built pipeline" }))
  }
  if (decoder == null || typeof decoder.decode !== "function") {
    return Either.left(new InvalidConfig({ field: "decoder", message: "a Kinesis handler needs a decoder" }))
  }
  return Either.zipWith(
    resolveOptions(options),
    resolveDeliveryOptions(options),
    (resolved, delivery) => build(pipeline, decoder, resolved, delivery)
  )
}

const build = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  options: ResolvedOptions,
  delivery: ResolvedDeliveryOptions
): KinesisHandler => {
  const guarded = guardBase64(decoder)
  const guard = makeParallelGuard(pipeline, delivery.mappingCheck)
  const runtime = lazyRuntime<HandlerServices>(() => Layer.merge(layerJsonLogger(), options.layer ?? defaultLayer()))
  const onDecodeError = options.onDecodeError
  const decodeErrorHook: BatchOptions["onDecodeError"] =
    onDecodeError === undefined
      ? undefined
      : (record, error) =>
          Effect.tryPromise(async () =>
            onDecodeError(record.data, record.sequence ?? "", record.partitionKey ?? "", error)
          ).pipe(Effect.ignore)

  const processEvent = (records: ReadonlyArray<KinesisStreamRecord>, context: LambdaContext) => {
    const shardId = commonShardId(records)
    const shouldStop = () => remainingMs(context) < options.deadlineMarginMs
    // Backstop: if a commit in flight outlasts the margin, give up with half of it left and
    // report the batch, rather than let Lambda time the whole invocation out.
    const hardStopMs = remainingMs(context) - options.deadlineMarginMs / 2
    const run = (fenceable: boolean) =>
      Effect.flatMap(Clock.currentTimeMillis, (nowMs) => {
        const sources = records.map((record) => toSourceRecord(record, nowMs))
        // Without a shard id the processor commits with claims (under "auto") and not in order.
        const batchShard = fenceable ? shardId : undefined
        return processBatch(pipeline, guarded, sources, {
          shardId: batchShard,
          inOrder: batchShard !== undefined && options.inOrder,
          retry: options.retry,
          onDecodeError: decodeErrorHook,
          shouldStop,
          concurrency: options.concurrency
        }).pipe(
          // Every reported failure explained once; dead letters are logged by applyDeadLetters.
          Effect.tap((result) =>
            logBatchFailures(pipeline.name, shardId, sources, result.outcomes, (i) => {
              const outcome = result.outcomes[i]!
              return outcome._tag === "Failed" && canNeverSucceed(outcome.error)
            })),
          Effect.tap((result) => (fenceable && shardId !== undefined ? guard.observe(shardId, records, result.outcomes) : Effect.void)),
          Effect.flatMap((result) =>
            Effect.map(applyDeadLetters(pipeline.name, shardId, sources, result.outcomes, delivery), (skipped) =>
              responseFromOutcomes(records, result.outcomes, options.reportDecodeErrors, skipped))
          )
        )
      })
    const batch = Effect.flatMap(guard.decide(records), (decision) =>
      decision._tag === "Refuse" ? Effect.succeed(allFailed(records)) : run(decision._tag === "AsConfigured")
    ).pipe(Number.isFinite(hardStopMs) ? Effect.timeout(Duration.millis(Math.max(0, hardStopMs))) : (self) => self)
    return options.clock === undefined ? batch : Effect.withClock(batch, options.clock)
  }

  const handler = async (event: KinesisStreamEvent, context: LambdaContext): Promise<KinesisStreamBatchResponse> => {
    const identified = identifyRecords(event)
    if (identified.notAnArray || identified.unidentified.length > 0) {
      console.error(`murmur: could not identify ${describeUnidentified(identified)}; nothing processed, every sequence number reported`)
      return responseForUnidentified(identified)
    }
    const records = identified.records
    if (records.length === 0) return { batchItemFailures: [] }
    let built: Runtime.Runtime<HandlerServices>
    try {
      built = await runtime.get()
    } catch (error) {
      console.error("murmur: could not build the runtime; reporting the whole batch for retry", error)
      return allFailed(records)
    }
    const exit = await Runtime.runPromiseExit(built)(
      processEvent(records, context).pipe(
        Effect.ensuring(flushMetrics),
        Effect.annotateLogs("requestId", context?.awsRequestId ?? "")
      )
    )
    if (Exit.isSuccess(exit)) return exit.value
    // A defect, an interruption or the backstop: nothing is known to have succeeded.
    // Rendering stack traces (source maps) can take hundreds of ms: only with time to spare.
    const detail =
      remainingMs(context) > 2 * options.deadlineMarginMs ? Cause.pretty(exit.cause) : String(Cause.squash(exit.cause))
    console.error(`murmur: batch processing ended unexpectedly; reporting the whole batch: ${detail}`)
    return allFailed(records)
  }
  return Object.assign(handler, { dispose: runtime.dispose })
}

/**
 * Makes the function AWS Lambda calls for a Kinesis event-source mapping: it decodes each
 * record, runs the pipeline's batch through the processor, and answers with the sequence
 * numbers to retry (`ReportBatchItemFailures` must be enabled on the mapping). It never throws:
 * whatever cannot be processed is reported, including events it cannot read. The services are
 * built once per container. Use ParallelizationFactor 1 for the fenced strategy: at cold start
 * the handler reads its mapping's factor and, above 1, commits with claims (`delivery: "auto"`
 * with a claims table) or refuses every batch with an error log line (see `mappingCheck`).
 * Throws `InvalidConfig` at construction for invalid options.
 *
 * @example
 * import { count, pipeline, schemaDecoder } from "murmur-ts"
 * import { kinesisHandler } from "murmur-ts/lambda"
 * import { Schema } from "effect"
 *
 * const PageView = Schema.Struct({ page: Schema.String })
 * const pageViews = pipeline({ name: "page-views", key: (e: typeof PageView.Type) => e.page, monoid: count, store: "aggregates" })
 * export const handler = kinesisHandler(pageViews, schemaDecoder(PageView))
 */
export const kinesisHandler = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  options?: KinesisHandlerOptions
): KinesisHandler => Either.getOrThrowWith(makeKinesisHandler(pipeline, decoder, options), (error) => error)
