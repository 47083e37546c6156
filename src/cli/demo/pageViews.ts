/**
 * The demo's data and pipelines: page views, counted per page and per country in hourly buckets
 * (driven by the polling consumer), and per page all-time (driven by the Lambda handler).
 */
import * as Schema from "effect/Schema"
import { count } from "../../monoid/index.js"
import { type Pipeline, pipeline } from "../../pipeline/Pipeline.js"
import { schemaDecoder } from "../../processor/schemaDecoder.js"
import { hourly } from "../../window/Window.js"

/** One page view as produced onto the stream. `at` is when it happened (epoch ms): its hour bucket. */
export const PageView = Schema.Struct({
  page: Schema.String,
  country: Schema.String,
  user: Schema.String,
  at: Schema.Number
})
export type PageView = typeof PageView.Type

/** Decodes a record's JSON; malformed records become `DecodeError`s the drivers report. */
export const pageViewDecoder = schemaDecoder(PageView)

/** Aggregate key of a page. */
export const pageKey = (page: string): string => `page:${page}`

/** Aggregate key of a country rollup. */
export const countryKey = (country: string): string => `country:${country}`

/** The two demo pipelines, sharing one aggregate table. */
export interface DemoPipelines {
  /** Hourly counts per page and per country, kept 7 days. */
  readonly hourly: Pipeline<PageView, number>
  /** All-time counts per page (bucket 0). */
  readonly allTime: Pipeline<PageView, number>
}

/**
 * Both pipelines over one table. Their rows cannot collide: the hourly rows sit in hour buckets
 * (ids in the hundreds of thousands), the all-time rows in bucket 0.
 */
export const demoPipelines = (table: string): DemoPipelines => ({
  hourly: pipeline({
    name: "page-views",
    keys: (view: PageView) => [pageKey(view.page), countryKey(view.country)],
    monoid: count,
    window: hourly("7 days"),
    eventTime: (view: PageView) => view.at,
    store: table
  }),
  allTime: pipeline({
    name: "page-views-all-time",
    key: (view: PageView) => pageKey(view.page),
    monoid: count,
    store: table
  })
})
