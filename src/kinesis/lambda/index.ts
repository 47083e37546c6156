/**
 * The AWS Lambda adapter for Kinesis event-source mappings: `kinesisHandler` turns a pipeline
 * and a decoder into the function Lambda calls.
 */
export { kinesisHandler, makeKinesisHandler, type KinesisHandler } from "./handler.js"
export type { DecodeErrorCallback, HandlerServices, KinesisHandlerOptions } from "./options.js"
export { defaultLayer } from "./defaultLayer.js"
