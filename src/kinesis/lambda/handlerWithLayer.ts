import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord, LambdaContext } from "./events.js"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import { InvalidConfig } from "../../errors.js"
import { logBatchFailures } from "../../logging/batchFailures.js"
import { layerJsonLogger } from "../../logging/loggers.js"
import { flushMetrics } from "../../metrics/emf.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
// From its module, not the processor index: the index also exports schemaDecoder (Schema's parser).
import { processBatch } from "../../processor/processBatch.js"
import type { BatchOptions, Decoder } from "../../processor/types.js"
import { guardBase64 } from "./base64Guard.js"
import { applyDeadLetters } from "./deadLetters.js"
import { type ResolvedDeliveryOptions, resolveDeliveryOptions } from "./deliveryOptions.js"
import { allFailed, responseForUnidentified, responseFromOutcomes } from "./failures.js"
import { describeUnidentified, identifyRecords } from "./identify.js"
import { type HandlerServices, type KinesisHandlerWithLayerOptions, type ResolvedOptions, resolveOptions } from "./options.js"
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
 * Like `kinesisHandlerWithLayer`, returning the configuration error instead of throwing it.
 *
 * @example
 * const handler = Either.getOrThrow(makeKinesisHandlerWithLayer(pageViews, schemaDecoder(PageView), { layer }))
 */
export const makeKinesisHandlerWithLayer = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  options: KinesisHandlerWithLayerOptions
): Either.Either<KinesisHandler, InvalidConfig> => {
  if (pipeline == null || typeof pipeline.keysOf !== "function") {
    return Either.left(new InvalidConfig({ field: "pipeline", message: "a Kinesis handler needs a built pipeline" }))
  }
  if (decoder == null || typeof decoder.decode !== "function") {
    return Either.left(new InvalidConfig({ field: "decoder", message: "a Kinesis handler needs a decoder" }))
  }
  if (options?.layer == null || !Layer.isLayer(options.layer)) {
    return Either.left(new InvalidConfig({ field: "layer", message: "layer must be an Effect Layer providing Store and Metrics" }))
  }
  const layer = options.layer
  return Either.zipWith(
    resolveOptions(options),
    resolveDeliveryOptions(options),
    (resolved, delivery) => build(pipeline, decoder, layer, resolved, delivery)
  )
}

/**
 * The Lambda handler on the services you give it (`layer`, required): the same handler as
 * `kinesisHandler`, which adds a DynamoDB default. A bundle that imports only this one carries
 * neither the DynamoDB layers nor `@aws-sdk/client-dynamodb`, so in-memory or custom-store
 * handlers start faster. Throws `InvalidConfig` at construction for invalid options.
 *
 * @example
 * import * as Layer from "effect/Layer"
* import { jsonDecoder, layerNoop, MemoryStore } from "murmur-ts"
 * import { kinesisHandlerWithLayer } from "murmur-ts/lambda"
 *
 * export const handler = kinesisHandlerWithLayer(pageViews, jsonDecoder(), { layer: Layer.merge(MemoryStore.layer, layerNoop) })
 */
export const kinesisHandlerWithLayer = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  options: KinesisHandlerWithLayerOptions
): KinesisHandler => Either.getOrThrowWith(makeKinesisHandlerWithLayer(pipeline, decoder, options), (error) => error)

const build = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  layer: Layer.Layer<HandlerServices, unknown>,
  options: ResolvedOptions,
  delivery: ResolvedDeliveryOptions
): KinesisHandler => {
  const guarded = guardBase64(decoder)
  const guard = makeParallelGuard(pipeline, delivery.mappingCheck)
  const runtime = lazyRuntime<HandlerServices>(() => Layer.merge(layerJsonLogger(), layer))
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
