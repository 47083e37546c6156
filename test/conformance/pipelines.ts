import * as Schema from "effect/Schema"
import { count, hll, max, sum, topK, tuple } from "../../src/monoid/index.js"
import { type DeliveryStrategy, pipeline } from "../../src/pipeline/index.js"
import { schemaDecoder } from "../../src/processor/schemaDecoder.js"
import { hourly } from "../../src/window/Window.js"

export const PageViewSchema = Schema.Struct({
  id: Schema.Number,
  page: Schema.String,
  country: Schema.String,
  user: Schema.String,
  at: Schema.Number,
  ms: Schema.Number
})
export type PageViewEvent = typeof PageViewSchema.Type

export const pageViewDecoder = schemaDecoder(PageViewSchema)

/** `visitors`' three sketches per page, side by side in one row. */
export const visitorSketches = {
  /** Distinct users (Redis's HyperLogLog string). */
  users: hll(),
  /** Views per country: k is above the workload's 5 countries, so it never truncates. */
  countries: topK(10),
  /** The top 2 countries: truncates (Misra-Gries), so its bytes depend on how records were batched. */
  top2: topK(2)
} as const

const visitors = tuple(visitorSketches.users, visitorSketches.countries, visitorSketches.top2)

/**
 * The four pipelines the conformance suite proves, one per write path:
 * - `views`: count, two keys per event (page and country rollups), hourly windows (coalesced ADD);
 * - `time`: sum of ms per page, all-time (coalesced ADD);
 * - `longest`: max of ms per page, all-time (coalesced compare-and-swap);
 * - `visitors`: sketches per page, all-time (binary `v`, coalesced compare-and-swap): an HLL of
 *   user ids, an exact top-K of countries and a truncating top-2 (see sketches.ts).
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
  }),
  visitors: pipeline({
    name: "visitors",
    key: (view: PageViewEvent) => view.page,
    value: (view: PageViewEvent) =>
      [
        visitorSketches.users.of(view.user),
        visitorSketches.countries.of(view.country),
        visitorSketches.top2.of(view.country)
      ] as const,
    monoid: visitors,
    store: `${prefix}-visitors`,
    delivery
  })
})

export type ConformancePipelines = ReturnType<typeof conformancePipelines>
