import type * as Either from "effect/Either"
import type { InvalidConfig } from "../../errors.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import type { Decoder } from "../../processor/types.js"
import { defaultLayer } from "./defaultLayer.js"
import { type KinesisHandler, kinesisHandlerWithLayer, makeKinesisHandlerWithLayer } from "./handlerWithLayer.js"
import type { KinesisHandlerOptions } from "./options.js"

// The DynamoDB default lives here, apart from the handler itself (handlerWithLayer.ts), so that a
// bundle using only `kinesisHandlerWithLayer` never imports the DynamoDB layers and their SDK.
const withDefaultLayer = (options: KinesisHandlerOptions = {}) => ({ ...options, layer: options.layer ?? defaultLayer() })

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
): Either.Either<KinesisHandler, InvalidConfig> => makeKinesisHandlerWithLayer(pipeline, decoder, withDefaultLayer(options))

/**
 * Makes the function AWS Lambda calls for a Kinesis event-source mapping: it decodes each
 * record, runs the pipeline's batch through the processor, and answers with the sequence
 * numbers to retry (`ReportBatchItemFailures` must be enabled on the mapping). It never throws:
 * whatever cannot be processed is reported, including events it cannot read. The services are
 * built once per container: `layer`, or by default DynamoDB configured from the environment
 * (`defaultLayer()`), which brings `@aws-sdk/client-dynamodb` into the bundle even when a `layer`
 * is given; `kinesisHandlerWithLayer` is the same handler without that default. Use
 * ParallelizationFactor 1 for the fenced strategy: at cold start the handler reads its mapping's
 * factor and, above 1, commits with claims (`delivery: "auto"` with a claims table) or refuses
 * every batch with an error log line (see `mappingCheck`).
 * Throws `InvalidConfig` at construction for invalid options.
 *
 * @example
 * import { count, pipeline, schemaDecoder } from "murmur-ts"
 * import { kinesisHandler } from "murmur-ts/lambda"
 * import * as Schema from "effect/Schema"
*
 * const PageView = Schema.Struct({ page: Schema.String })
 * const pageViews = pipeline({ name: "page-views", key: (e: typeof PageView.Type) => e.page, monoid: count, store: "aggregates" })
 * export const handler = kinesisHandler(pageViews, schemaDecoder(PageView))
 */
export const kinesisHandler = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  options?: KinesisHandlerOptions
): KinesisHandler => kinesisHandlerWithLayer(pipeline, decoder, withDefaultLayer(options))
