export { type AnyQueryTarget, queryApiLayer, type QueryApiOptions } from "./handlers.js"
export { AggregatesGroup, PipelinesGroup, QueryApi } from "./QueryApi.js"
export { BadQuery, PipelineNotFound, StoreUnavailable } from "./schemas.js"
export { defaultQueryPort, queryServerLayer, type QueryServerOptions, type RunningQueryServer, serveQuery } from "./server.js"
