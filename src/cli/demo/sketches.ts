/**
 * The demo's sketch pipelines: unique visitors per page (HyperLogLog, hourly), the top pages
 * (Misra-Gries top-K, hourly) and trending pages (a sum decaying by half every hour), and the
 * report that checks them against exact counts kept from the produced events.
 */
import * as Effect from "effect/Effect"
import { decayedSum, type Decayed, hll, type Hll, hllEstimate, topK, type TopK } from "../../monoid/index.js"
import { type Pipeline, pipeline } from "../../pipeline/Pipeline.js"
import * as Query from "../../query/index.js"
import { hourly } from "../../window/Window.js"
import { formatCount } from "../progress.js"
import { type DemoEvents, demoSpanMs } from "./generate.js"
import { pageKey, type PageView } from "./pageViews.js"
import { verdict } from "./report.js"

/** How many pages the top-K tracks: well above the 10 it shows, so the skewed top is exact. */
export const trackedPages = 100

/** The sketches: HLL precision 14 (0.81 % standard error), top-100, a one-hour half-life. */
export const uniques = hll()
export const topPagesSketch = topK(trackedPages)
export const trending = decayedSum("1 hour")

/** The one key of the top-pages pipeline: every view counts toward one ranking. */
export const allPagesKey = "pages"

/** Aggregate key of a page's unique visitors. */
export const uniquesKey = (page: string): string => `uniques:${pageKey(page)}`

/** Aggregate key of a page's trending score. */
export const trendingKey = (page: string): string => `trending:${pageKey(page)}`

/** The sketch pipelines, sharing the demo's table (their keys and kinds do not collide with the counts'). */
export interface SketchPipelines {
  /** Distinct users per page, hourly buckets (a window merges them). */
  readonly uniques: Pipeline<PageView, Hll>
  /** The most viewed pages, hourly buckets, one key. */
  readonly topPages: Pipeline<PageView, TopK>
  /** Views per page decaying by half every hour, all-time: read now, it says what is hot. */
  readonly trending: Pipeline<PageView, Decayed>
}

/**
 * The three sketch pipelines over one table. Their keys are prefixed so they never share a row
 * with the counting pipelines' keys.
 *
 * @example
 * const sketches = sketchPipelines("murmur-demo-aggregates")
 */
export const sketchPipelines = (table: string): SketchPipelines => ({
  uniques: pipeline({
    name: "unique-visitors",
    key: (view: PageView) => uniquesKey(view.page),
    value: (view: PageView) => uniques.of(view.user),
    monoid: uniques,
    window: hourly("7 days"),
    eventTime: (view: PageView) => view.at,
    store: table
  }),
  topPages: pipeline({
    name: "top-pages",
    key: () => allPagesKey,
    value: (view: PageView) => topPagesSketch.of(view.page),
    monoid: topPagesSketch,
    window: hourly("7 days"),
    eventTime: (view: PageView) => view.at,
    store: table
  }),
  trending: pipeline({
    name: "trending-pages",
    key: (view: PageView) => trendingKey(view.page),
    value: (view: PageView) => trending.of(1, view.at),
    monoid: trending,
    store: table
  })
})

/** The keys worth ranking per sketch pipeline (for the API's `/top` and the dashboard). */
export const sketchKeys = (pipelines: SketchPipelines, pages: ReadonlyArray<string>) => ({
  [pipelines.uniques.name]: pages.map(uniquesKey),
  [pipelines.topPages.name]: [allPagesKey],
  [pipelines.trending.name]: pages.map(trendingKey)
})

// An estimate further than 4 standard errors (or 2 elements, for tiny counts) from the truth is
// a bug, not bad luck: about one page in 15,000 would get there honestly.
const estimateSlack = (distinct: number) => Math.max(2, 4 * (1.04 / Math.sqrt(2 ** uniques.precision)) * distinct)

const percent = (ratio: number) => `${(ratio * 100).toFixed(2)} %`

const pageLine = (rank: number, page: string, shown: string, exact: string) =>
  `  ${String(rank).padStart(2)}. ${page.padEnd(24)} ${shown.padStart(10)}   ${exact}`

/**
 * Reads the sketches back over the stream's span, prints them beside the exact figures, and fails
 * with `DemoFailed` (`mismatch`) when an HLL estimate is outside its bound, the top 10 of the top-K
 * is not the exact top 10 (in order, counts within Misra-Gries' N/(k+1)), or a trending score is
 * not the exactly decayed count as of `nowMs`.
 *
 * @example
 * yield* sketchReport(sketchPipelines(table), events, startMs, nowMs, say)
 */
export const sketchReport = (
  pipelines: SketchPipelines,
  events: DemoEvents,
  startMs: number,
  nowMs: number,
  say: (line: string) => Effect.Effect<void>
) =>
  Effect.gen(function*() {
    const wrong: Array<string> = []
    const usersPerPage = new Map<string, Set<string>>()
    for (const view of events.views) {
      const users = usersPerPage.get(view.page) ?? new Set()
      usersPerPage.set(view.page, users.add(view.user))
    }
    const byViews = [...events.expectedPages.entries()].sort(([, a], [, b]) => b - a)
    const first = startMs - demoSpanMs

    // Unique visitors: the hourly HLLs of the whole span merged per page, against exact sets.
    const uniqueRows = yield* Query.rangeMany(pipelines.uniques, events.pages.map(uniquesKey), first, startMs)
    let worst = { page: "", estimate: 0, exact: 0 }
    events.pages.forEach((page, i) => {
      const exact = usersPerPage.get(page)?.size ?? 0
      const estimate = hllEstimate(uniqueRows[i]!.value)
      if (Math.abs(estimate - exact) > Math.abs(worst.estimate - worst.exact)) worst = { page, estimate, exact }
      if (Math.abs(estimate - exact) > estimateSlack(exact)) wrong.push(`${pipelines.uniques.name} ${page}: estimate ${estimate}, exact ${exact}`)
    })
    yield* say(`Unique visitors per page (${pipelines.uniques.name}: hourly HyperLogLogs merged over the span), estimate and exact:`)
    for (const [i, [page]] of byViews.slice(0, 10).entries()) {
      const estimate = hllEstimate(uniqueRows[events.pages.indexOf(page)]!.value)
      yield* say(pageLine(i + 1, page, formatCount(estimate), `exact ${formatCount(usersPerPage.get(page)?.size ?? 0)}`))
    }
    yield* say(
      `  largest error over ${events.pages.length} pages: ${worst.page || "none"} ${formatCount(worst.estimate)} for ${formatCount(worst.exact)} ` +
        `(${percent(worst.exact === 0 ? 0 : Math.abs(worst.estimate - worst.exact) / worst.exact)}; 0.81 % standard error)`
    )
    yield* say("")

    // Top pages: the merged top-K's first 10 against the exact ranking.
    const top = yield* Query.range(pipelines.topPages, allPagesKey, first, startMs)
    const slack = events.valid / (topPagesSketch.k + 1)
    yield* say(`Top 10 pages (${pipelines.topPages.name}: top-${topPagesSketch.k} summaries merged; counts may be low by at most ${formatCount(Math.floor(slack))}):`)
    for (const [i, { count, item }] of top.slice(0, 10).entries()) {
      const exact = events.expectedPages.get(item) ?? 0
      yield* say(pageLine(i + 1, item, formatCount(count), `exact ${formatCount(exact)}`))
      if (exact !== byViews[i]?.[1]) wrong.push(`${pipelines.topPages.name} #${i + 1}: ${item} has ${exact} views, the exact #${i + 1} has ${byViews[i]?.[1]}`)
      if (count > exact || count < exact - slack) wrong.push(`${pipelines.topPages.name} ${item}: count ${count}, exact ${exact}`)
    }
    if (top.length < Math.min(10, byViews.length)) wrong.push(`${pipelines.topPages.name}: only ${top.length} pages listed`)
    yield* say("")

    // Trending: the decayed counts as of now, against each view decayed exactly.
    const scores = yield* Query.values(pipelines.trending, events.pages.map(trendingKey))
    const exactScore = new Map<string, number>()
    for (const view of events.views) {
      exactScore.set(view.page, (exactScore.get(view.page) ?? 0) + Math.pow(2, -(nowMs - view.at) / trending.halfLifeMs))
    }
    const scored = events.pages.map((page, i) => ({ page, score: trending.valueAt(scores[i]!.value, nowMs) }))
    for (const { page, score } of scored) {
      const exact = exactScore.get(page) ?? 0
      if (Math.abs(score - exact) > 1e-9 * Math.max(1, exact)) wrong.push(`${pipelines.trending.name} ${page}: score ${score}, exact ${exact}`)
    }
    yield* say(`Trending pages (${pipelines.trending.name}: views halving every hour, read now), score and all-time views:`)
    for (const [i, { page, score }] of [...scored].sort((a, b) => b.score - a.score).slice(0, 5).entries()) {
      yield* say(pageLine(i + 1, page, score.toFixed(1), `views ${formatCount(events.expectedPages.get(page) ?? 0)}`))
    }
    yield* say("")

    yield* verdict(
      wrong,
      (count) => `sketches differ from the exact figures at ${count} places`,
      `verified: HLL estimates within their bound at all ${events.pages.length} pages, the top 10 exact, ` +
        `trending scores equal to the exactly decayed counts`,
      say
    )
  })
