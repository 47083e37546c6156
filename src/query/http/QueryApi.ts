import { HttpApi, HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import * as Schema from "effect/Schema"
import {
  BadQuery,
  ContainsResponse,
  InstantParam,
  Keys,
  Key,
  LastDuration,
  LiveResponse,
  PipelineInfo,
  PipelineName,
  PipelineNotFound,
  SeriesResponse,
  SpanResponse,
  StoreUnavailable,
  TopCount,
  TopResponse,
  ValueResponse,
  ValuesResponse
} from "./schemas.js"

/** `GET /pipelines`: the pipelines served, with their monoid and buckets. */
const list = HttpApiEndpoint.get("list", "/pipelines")
  .addSuccess(Schema.Array(PipelineInfo))
  .annotate(OpenApi.Summary, "The pipelines served")

const value = HttpApiEndpoint.get("value")`/pipelines/${PipelineName}/value`
  .setUrlParams(Schema.Struct({ key: Key }))
  .addSuccess(ValueResponse)
  .annotate(OpenApi.Summary, "All-time value of one key (pipelines without buckets)")

const values = HttpApiEndpoint.get("values")`/pipelines/${PipelineName}/values`
  .setUrlParams(Schema.Struct({ key: Keys }))
  .addSuccess(ValuesResponse)
  .annotate(OpenApi.Summary, "All-time values of several keys, in the order asked")

const window = HttpApiEndpoint.get("window")`/pipelines/${PipelineName}/window`
  .setUrlParams(Schema.Struct({ key: Keys, last: LastDuration }))
  .addSuccess(SpanResponse)
  .annotate(OpenApi.Summary, "Values over the last duration: the current bucket and the ones before it")

const range = HttpApiEndpoint.get("range")`/pipelines/${PipelineName}/range`
  .setUrlParams(Schema.Struct({ key: Keys, start: InstantParam, end: InstantParam }))
  .addSuccess(SpanResponse)
  .annotate(OpenApi.Summary, "Values over the buckets holding start to end, both included")

const top = HttpApiEndpoint.get("top")`/pipelines/${PipelineName}/top`
  .setUrlParams(Schema.Struct({ last: Schema.optional(LastDuration), n: Schema.optional(TopCount) }))
  .addSuccess(TopResponse)
  .annotate(OpenApi.Summary, "The largest values among the keys the application named (last duration, or all-time)")

const series = HttpApiEndpoint.get("series")`/pipelines/${PipelineName}/series`
  .setUrlParams(Schema.Struct({
    key: Key,
    last: Schema.optional(LastDuration),
    start: Schema.optional(InstantParam),
    end: Schema.optional(InstantParam)
  }))
  .addSuccess(SeriesResponse)
  .annotate(OpenApi.Summary, "One key's value in each bucket of the last duration, or of start to end")

const contains = HttpApiEndpoint.get("contains")`/pipelines/${PipelineName}/contains`
  .setUrlParams(Schema.Struct({ key: Key, element: Schema.String, last: Schema.optional(LastDuration) }))
  .addSuccess(ContainsResponse)
  .annotate(OpenApi.Summary, "Whether a bloom pipeline's key may contain an element (all-time, or over the last duration)")

const live = HttpApiEndpoint.get("live", "/live")
  .addSuccess(LiveResponse)
  .annotate(OpenApi.Summary, "Driver progress per shard (records, records/s, lag) and per-pipeline counters")

/** The pipelines list. */
export class PipelinesGroup extends HttpApiGroup.make("pipelines").add(list) {}

/** What the running application reports about itself. */
export class LiveGroup extends HttpApiGroup.make("live").add(live) {}

/** The reads; every one can answer 404 (unknown pipeline), 400 and 503. */
export class AggregatesGroup extends HttpApiGroup.make("aggregates")
  .add(value)
  .add(values)
  .add(window)
  .add(range)
  .add(top)
  .add(series)
  .add(contains)
  .addError(PipelineNotFound)
  .addError(BadQuery)
  .addError(StoreUnavailable)
{}

/**
 * The query HTTP API, as data: the server, the OpenAPI document and typed clients
 * (`HttpApiClient.make(QueryApi)`) all derive from it. Bad parameters answer 400 with an
 * `HttpApiDecodeError` body.
 */
export class QueryApi extends HttpApi.make("murmur-query")
  .add(PipelinesGroup)
  .add(AggregatesGroup)
  .add(LiveGroup)
  .annotateContext(OpenApi.annotations({
    title: "Murmur query API",
    description: "Read the aggregates of Murmur pipelines: all-time values, last-N windows and time ranges."
  }))
{}
