/**
 * Murmur for TypeScript, core entry: monoids, windows, pipelines, the processor, the state and
 * metrics contracts with their in-memory layers, and the query API. Drivers and backends have
 * their own entries so a Lambda bundle pulls in only what it uses:
 * `murmur-ts/lambda`, `murmur-ts/consumer`, `murmur-ts/dynamodb`, `murmur-ts/http`, `murmur-ts/laws`.
 */
export * from "./errors.js"
export * from "./monoid/index.js"
export * from "./pipeline/index.js"
export * from "./state/index.js"
export * from "./state/memory/index.js"
export * as Window from "./window/index.js"
export type { Window as WindowSpec } from "./window/Window.js"
export * from "./metrics/index.js"
export * from "./processor/index.js"
export * as Query from "./query/index.js"
