/**
 * The demo's closing report: top pages all-time and for the last hour, views per country, then
 * the check that every total read back equals what was produced.
 */
import * as Effect from "effect/Effect"
import { DemoFailed } from "../errors.js"
import * as Query from "../../query/index.js"
import { bucketId, bucketStart } from "../../window/Window.js"
import { type DemoEvents, demoSpanMs } from "./generate.js"
import { countryKey, type DemoPipelines, pageKey } from "./pageViews.js"
import { formatCount } from "../progress.js"

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
 * Prints the first 20 `wrong` lines and fails with `DemoFailed` (`mismatch`, `message`) when there
 * are any; else says `verified`.
 *
 * @example
 * yield* verdict(["page:/ read 3, produced 4"], (n) => `totals differ at ${n} keys`, "verified: totals match", say)
 */
export const verdict = (
  wrong: ReadonlyArray<string>,
  message: (count: number) => string,
  verified: string,
  say: (line: string) => Effect.Effect<void>
): Effect.Effect<void, DemoFailed> =>
  wrong.length === 0
    ? say(verified)
    : Effect.zipRight(
      Effect.forEach(wrong.slice(0, 20), (line) => say(`  ${line}`), { discard: true }),
      Effect.fail(new DemoFailed({ reason: "mismatch", message: message(wrong.length) }))
    )

/**
 * Reads the aggregates back, prints the report through `say`, and fails with `DemoFailed`
 * (`mismatch`) when any page or country total (all-time, last hour, whole span) differs from the
 * produced one. `startMs` is when the demo began producing: events happened in the `demoSpanMs`
 * before it, and "the last hour" is the hour bucket holding `startMs`, as the query API's
 * `window?last=1 hour` reads it.
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
    // "The last hour" as the query API's `last=1 hour` reads it: the one hour bucket holding the
    // start (the current bucket while the demo runs within that hour).
    const lastHour = yield* Query.rangeMany(pipelines.hourly, pageKeys, startMs, startMs)
    const sinceStart = yield* Query.rangeMany(pipelines.hourly, [...pageKeys, ...countryKeys], startMs - demoSpanMs, startMs)
    const window = pipelines.hourly.window!
    const firstHour = bucketId(window, startMs)
    const from = new Date(bucketStart(window, firstHour)).toISOString()

    yield* say("")
    yield* say(`Top ${topPages} pages, all-time (${pipelines.allTime.name}, written by the Lambda path):`)
    for (const [i, { entity, value }] of Query.topN(allTime, topPages).entries()) yield* say(rankLine(i + 1, strip("page:", entity), value))
    yield* say("")
    yield* say(`Top ${topPages} pages, last hour (${pipelines.hourly.name}, the hour bucket from ${from} that last=1 hour reads, written by the polling consumer):`)
    for (const [i, { entity, value }] of Query.topN(lastHour, topPages).entries()) yield* say(rankLine(i + 1, strip("page:", entity), value))
    yield* say("")
    yield* say(`Views per country (${pipelines.hourly.name}, all ${demoSpanMs / hourMs + 1} hour buckets of the stream):`)
    const countries = sinceStart.filter(({ entity }) => entity.startsWith("country:"))
    for (const { entity, value } of Query.topN(countries, countries.length)) {
      yield* say(`  ${strip("country:", entity).padEnd(4)} ${formatCount(value).padStart(8)}`)
    }
    yield* say("")

    const expectedPage = (entity: string) => events.expectedPages.get(strip("page:", entity)) ?? 0
    const expectedWindowed = (entity: string) =>
      entity.startsWith("page:") ? expectedPage(entity) : events.expectedCountries.get(strip("country:", entity)) ?? 0
    const lastHourCounts = new Map<string, number>()
    for (const view of events.views) {
      if (bucketId(window, view.at) >= firstHour) lastHourCounts.set(view.page, (lastHourCounts.get(view.page) ?? 0) + 1)
    }
    const wrong = [
      ...differences(pipelines.allTime.name, allTime, expectedPage),
      ...differences(`${pipelines.hourly.name} (last hour)`, lastHour, (entity) => lastHourCounts.get(strip("page:", entity)) ?? 0),
      ...differences(pipelines.hourly.name, sinceStart, expectedWindowed)
    ]
    yield* verdict(
      wrong,
      (count) => `totals differ from the ${formatCount(events.valid)} produced events at ${count} keys`,
      `verified: totals match the ${formatCount(events.valid)} produced events ` +
        `(${events.pages.length} pages in both pipelines, ${events.countries.length} countries)`,
      say
    )
  })
