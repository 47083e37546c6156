export { type AnyQueryTarget, QueryHandlers, type QueryApiOptions } from "./handlers.js"
export {
  type DriverLive,
  type DriverSource,
  type LiveSnapshot,
  type LiveSources,
  type PipelineCounters,
  type ProgressReading,
  type ShardLive,
  type ShardReading
} from "./live.js"
export { AggregatesGroup, LiveGroup, PipelinesGroup, QueryApi } from "./QueryApi.js"
export { BadQuery, PipelineNotFound, StoreUnavailable } from "./schemas.js"
export { defaultQueryPort, QueryServer, type QueryServerOptions, type RunningQueryServer, serveQuery } from "./server.js"
