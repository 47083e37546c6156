export * from "./effectMetric.js"
export * from "./memory.js"
export * from "./Metrics.js"
export * from "./noop.js"
