/**
 * Logging: Effect `Logger` layers (JSON for Lambda, readable for the CLI), the level from the
 * environment, and the one-line-per-failure explanation of a batch.
 */
export { logBatchFailures, type OutcomeLike, type RecordPosition } from "./batchFailures.js"
export { logLevelFromEnv, logLevelVariables, parseLogLevel } from "./level.js"
export { layerJsonLogger, layerReadableLogger, type LoggingOptions, makeJsonLogger, makeReadableLogger } from "./loggers.js"
