import { Schema } from "effect"
import { count, max, sum } from "../../src/monoid/index.js"
import { type DeliveryStrategy, pipeline } from "../../src/pipeline/index.js"
import { jsonDecoder } from "../../src/processor/decoders.js"
import { hourly } from "../../src/window/Window.js"

export const PageViewSchema = Schema.Struct({
  id: Schema.Number,
  page: Schema.String,
  country: Schema.String,
  at: Schema.Number,
  ms: Schema.Number
})
export type PageViewEvent = typeof PageViewSchema.Type

export const pageViewDecoder = jsonDecoder(PageViewSchema)

/**
 * The three pipelines the conformance suite proves, one per write path:
 * - `views`: count, two keys per event (page and country rollups), hourly windows (coalesced ADD);
 * - `time`: sum of ms per page, all-time (coalesced ADD);
 * - `longest`: max of ms per page, all-time (non-additive: per-record compare-and-swap).
 * Table names are `<prefix>-<pipeline>`.
 */
export const conformancePipelines = (prefix: string, delivery: DeliveryStrategy = "auto") => ({
  views: pipeline({
    name: "views",
    keys: (view: PageViewEvent) => [`page:${view.page}`, `country:${view.country}`],
    monoid: count,
    window: hourly("30 days"),
    eventTime: (view: PageViewEvent) => view.at,
    store: `${prefix}-views`,
    delivery
  }),
  time: pipeline({
    name: "time",
    key: (view: PageViewEvent) => view.page,
    value: (view: PageViewEvent) => view.ms,
    monoid: sum,
    store: `${prefix}-time`,
    delivery
  }),
  longest: pipeline({
    name: "longest",
    key: (view: PageViewEvent) => view.page,
    value: (view: PageViewEvent) => view.ms,
    monoid: max,
    store: `${prefix}-longest`,
    delivery
  })
})

export type ConformancePipelines = ReturnType<typeof conformancePipelines>
