/**
 * The example's pipeline: page views per page, in hourly buckets kept 7 days, counted once each.
 * Shared by the deployable handler and the in-memory one.
 */
import * as Schema from "effect/Schema"
import { count } from "../../src/monoid/index.js"
import { pipeline } from "../../src/pipeline/index.js"
import { schemaDecoder } from "../../src/processor/index.js"
import { hourly } from "../../src/window/Window.js"

/** What producers put on the stream, as JSON. */
export const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
export type PageView = typeof PageView.Type

export const pageViews = pipeline({
  name: "page-views",
  key: (view: PageView) => view.page,
  monoid: count,
  window: hourly("7 days"),
  // The aggregates table (SAM passes it in); the delivery strategy stays "auto": fenced.
  store: process.env.MURMUR_AGGREGATES_TABLE ?? "murmur-aggregates"
})

export const pageViewDecoder = schemaDecoder(PageView)
