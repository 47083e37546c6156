/**
 * The AWS Lambda adapter for Kinesis event-source mappings: `kinesisHandler` turns a pipeline
 * and a decoder into the function Lambda calls.
 */
export { kinesisHandler, makeKinesisHandler, type KinesisHandler } from "./handler.js"
export type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord, LambdaContext } from "./events.js"
export type { DecodeErrorCallback, HandlerServices, KinesisHandlerOptions } from "./options.js"
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
