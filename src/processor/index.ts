/**
 * The per-batch core every driver calls: decoders, `processBatch` / `processRecord`, the delivery
 * strategy a pipeline resolves to, and the record and outcome types. How a row is committed and
 * retried stays private.
 */
export {
  bytesDecoder,
  customDecoder,
  defaultMaxRecordBytes,
  jsonDecoder,
  type JsonDecoderOptions,
  textDecoder
} from "./decoders.js"
export { schemaDecoder } from "./schemaDecoder.js"
export { keyProblem, maxKeyBytes } from "../record/index.js"
export { defaultConcurrency, processBatch, processRecord } from "./processBatch.js"
export { resolveStrategy } from "./strategy.js"
export type { BatchOptions, BatchResult, Decoder, RecordOutcome, SourceRecord } from "./types.js"
