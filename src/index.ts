/**
 * Murmur for TypeScript, core entry: monoids, windows, pipelines, the processor, the state and
 * metrics contracts with their in-memory layers, and the query API. Drivers and backends have
 * their own entries so a Lambda bundle pulls in only what it uses:
 * `murmur-ts/lambda`, `murmur-ts/consumer`, `murmur-ts/dynamodb`, `murmur-ts/http`, `murmur-ts/laws`;
 * test hooks (fault plans, claim books) are in `murmur-ts/testing`. Each sub-index re-exported
 * here lists its public names; nothing else is public.
 */
export {
  DecodeError,
  type DecodeReason,
  InvalidConfig,
  InvalidKey,
  InvalidPipeline,
  InvalidRange,
  KinesisError,
  NotWindowed,
  RangeTooLarge,
  type RecordError,
  RetriesExhausted,
  RowTooLarge,
  StaleCheckpoint,
  StoreError,
  type StoreErrorReason,
  WindowRequired
} from "./errors.js"
export * from "./monoid/index.js"
export * from "./pipeline/index.js"
export * from "./state/index.js"
export * from "./state/memory/index.js"
export * as Window from "./window/index.js"
export type { Window as WindowSpec } from "./window/Window.js"
export * from "./metrics/index.js"
export { layerJsonLogger, layerReadableLogger, type LoggingOptions, logLevelFromEnv } from "./logging/index.js"
export * from "./processor/index.js"
export { type Backoff, defaultRetryPolicy, fullJitterBackoff, type RetryPolicy, retrySchedule } from "./retry/index.js"
export * as Query from "./query/index.js"
