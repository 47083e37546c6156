/**
 * The demo's closing report: top pages all-time and for the last hour, views per country, then
 * the check that every total read back equals what was produced.
 */
import { Effect } from "effect"
import { DemoFailed } from "../../errors.js"
import * as Query from "../../query/index.js"
import { bucketStart } from "../../window/Window.js"
import type { DemoEvents } from "./generate.js"
import { countryKey, type DemoPipelines, pageKey } from "./pageViews.js"
import { formatCount } from "./progressLine.js"

/** How many pages the rankings show. */
export const topPages = 10

const hourMs = 3_600_000

/** `  1. /pricing            1,234` */
const rankLine = (rank: number, name: string, value: number) =>
  `  ${String(rank).padStart(2)}. ${name.padEnd(24)} ${formatCount(value).padStart(8)}`

const strip = (prefix: string, entity: string) => entity.slice(prefix.length)

/** Every (key, read, expected) that differs. */
const differences = (
  label: string,
  read: ReadonlyArray<Query.EntityValue<number>>,
  expected: (entity: string) => number
): Array<string> =>
  read
    .filter(({ entity, value }) => value !== expected(entity))
    .map(({ entity, value }) => `${label} ${entity}: read ${formatCount(value)}, produced ${formatCount(expected(entity))}`)

/**
 * Reads the aggregates back, prints the report through `say`, and fails with `DemoFailed`
 * (`mismatch`) when any page or country total differs from the produced one. `startMs` is when
 * the demo began producing: every record arrived after it, so the hourly buckets from it to
 * `nowMs` hold every windowed delta.
 */
export const report = (
  pipelines: DemoPipelines,
  events: DemoEvents,
  startMs: number,
  nowMs: number,
  say: (line: string) => Effect.Effect<void>
) =>
  Effect.gen(function*() {
    const pageKeys = events.pages.map(pageKey)
    const countryKeys = events.countries.map(countryKey)
    const allTime = yield* Query.values(pipelines.allTime, pageKeys)
    // Whole hour buckets: "the last hour" is the bucket holding now-1h through the current one.
    const lastHour = yield* Query.rangeMany(pipelines.hourly, pageKeys, nowMs - hourMs, nowMs)
    const sinceStart = yield* Query.rangeMany(pipelines.hourly, [...pageKeys, ...countryKeys], startMs, nowMs)
    const window = pipelines.hourly.window!
    const from = new Date(bucketStart(window, Math.floor((nowMs - hourMs) / window.granularityMs))).toISOString()

    yield* say("")
    yield* say(`Top ${topPages} pages, all-time (${pipelines.allTime.name}, written by the Lambda path):`)
    for (const [i, { entity, value }] of Query.topN(allTime, topPages).entries()) yield* say(rankLine(i + 1, strip("page:", entity), value))
    yield* say("")
    yield* say(`Top ${topPages} pages, last hour (${pipelines.hourly.name}, hour buckets from ${from}, written by the polling consumer):`)
    for (const [i, { entity, value }] of Query.topN(lastHour, topPages).entries()) yield* say(rankLine(i + 1, strip("page:", entity), value))
    yield* say("")
    yield* say(`Views per country (${pipelines.hourly.name}, since the demo started):`)
    const countries = sinceStart.filter(({ entity }) => entity.startsWith("country:"))
    for (const { entity, value } of Query.topN(countries, countries.length)) {
      yield* say(`  ${strip("country:", entity).padEnd(4)} ${formatCount(value).padStart(8)}`)
    }
    yield* say("")

    const expectedPage = (entity: string) => events.expectedPages.get(strip("page:", entity)) ?? 0
    const expectedWindowed = (entity: string) =>
      entity.startsWith("page:") ? expectedPage(entity) : events.expectedCountries.get(strip("country:", entity)) ?? 0
    const wrong = [
      ...differences(pipelines.allTime.name, allTime, expectedPage),
      ...differences(pipelines.hourly.name, sinceStart, expectedWindowed)
    ]
    if (wrong.length > 0) {
      for (const line of wrong.slice(0, 20)) yield* say(`  ${line}`)
      return yield* Effect.fail(new DemoFailed({
        reason: "mismatch",
        message: `totals differ from the ${formatCount(events.valid)} produced events at ${wrong.length} keys`
      }))
    }
    yield* say(
      `verified: totals match the ${formatCount(events.valid)} produced events ` +
        `(${events.pages.length} pages in both pipelines, ${events.countries.length} countries)`
    )
  })
