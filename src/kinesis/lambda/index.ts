/**
 * The AWS Lambda adapter for Kinesis event-source mappings: `kinesisHandler` turns a pipeline
 * and a decoder into the function Lambda calls (on DynamoDB by default); `kinesisHandlerWithLayer`
 * is the same handler on the services you pass, without the DynamoDB default in the bundle.
 */
export { kinesisHandler, makeKinesisHandler } from "./handler.js"
export { type KinesisHandler, kinesisHandlerWithLayer, makeKinesisHandlerWithLayer } from "./handlerWithLayer.js"
export type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord, LambdaContext } from "./events.js"
export type { DecodeErrorCallback, HandlerServices, KinesisHandlerOptions, KinesisHandlerWithLayerOptions } from "./options.js"
export { defaultLayer } from "./defaultLayer.js"
export type { DeliveryOptions } from "./deliveryOptions.js"
export type { MappingCheckMode } from "./mappingCheck.js"
export {
  type EventSourceMapping,
  LambdaApiError,
  LambdaMappings,
  type LambdaMappingsConfig,
  type LambdaMappingsService
} from "./LambdaMappings.js"
export { canNeverSucceed, type DeadLetter, type DeadLetterCallback, type DeadLetterPolicy } from "../deadLetter.js"
