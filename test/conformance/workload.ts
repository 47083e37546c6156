/**
 * A seeded page-view workload and its expected aggregates, computed by a plain fold that shares
 * no code with the library (so a bug in the library cannot hide in the reference).
 */
import { seededRandom } from "../support/seeded.js"

export interface PageView {
  readonly id: number
  readonly page: string
  readonly country: string
  /** Who viewed the page: skewed, so busy pages see the same users again. */
  readonly user: string
  /** Event time, epoch ms. */
  readonly at: number
  /** Time on page, ms. */
  readonly ms: number
}

export interface WorkloadOptions {
  readonly seed: number
  readonly events: number
  readonly pages: number
  readonly countries?: number
  /** Events are spread over this many hours before `endMs`. */
  readonly hours?: number
  readonly endMs?: number
}

export const generateWorkload = (options: WorkloadOptions): ReadonlyArray<PageView> => {
  const random = seededRandom(options.seed)
  const countries = options.countries ?? 8
  const hours = options.hours ?? 6
  const endMs = options.endMs ?? Date.UTC(2026, 10, 24, 12, 0, 0)
  const startMs = endMs - hours * 3_600_000
  const views: Array<PageView> = []
  for (let id = 0; id < options.events; id++) {
    // Skewed pages: a few hot ones, a long tail.
    const page = Math.floor(options.pages * random() ** 2)
    views.push({
      id,
      page: `/page/${page}`,
      // Skewed too, so a top-2 of countries has a heavy hitter to keep.
      country: `c${Math.floor(countries * random() ** 2)}`,
      user: `u${Math.floor(20_000 * random() ** 1.5)}`,
      at: startMs + Math.floor(random() * (endMs - startMs)),
      ms: 1 + Math.floor(random() * 10_000)
    })
  }
  return views
}

/** Expected rows per table, keyed `<entity>|<bucket>`. */
export type Expected = ReadonlyMap<string, ReadonlyMap<string, number>>

const hourOf = (at: number) => Math.floor(at / 3_600_000)

const bump = (table: Map<string, number>, row: string, combine: (old: number | undefined) => number) => {
  table.set(row, combine(table.get(row)))
}

/**
 * The reference fold for the conformance pipelines:
 * - `views`: count per page and per country, hourly buckets;
 * - `time`: sum of ms per page, all-time (bucket 0);
 * - `longest`: max of ms per page, all-time.
 */
export const expectedAggregates = (views: ReadonlyArray<PageView>): Expected => {
  const counts = new Map<string, number>()
  const time = new Map<string, number>()
  const longest = new Map<string, number>()
  for (const view of views) {
    const hour = hourOf(view.at)
    bump(counts, `page:${view.page}|${hour}`, (old) => (old ?? 0) + 1)
    bump(counts, `country:${view.country}|${hour}`, (old) => (old ?? 0) + 1)
    bump(time, `${view.page}|0`, (old) => (old ?? 0) + view.ms)
    bump(longest, `${view.page}|0`, (old) => Math.max(old ?? -Infinity, view.ms))
  }
  return new Map([["views", counts], ["time", time], ["longest", longest]])
}

/** What the `visitors` pipeline summarises per page, counted exactly. */
export interface PageVisitors {
  readonly events: number
  readonly users: ReadonlySet<string>
  readonly countries: ReadonlyMap<string, number>
}

/** The reference fold for `visitors`: per page, its events, distinct users and views per country. */
export const expectedVisitors = (views: ReadonlyArray<PageView>): ReadonlyMap<string, PageVisitors> => {
  const pages = new Map<string, { events: number; users: Set<string>; countries: Map<string, number> }>()
  for (const view of views) {
    let page = pages.get(view.page)
    if (page === undefined) pages.set(view.page, page = { events: 0, users: new Set(), countries: new Map() })
    page.events++
    page.users.add(view.user)
    bump(page.countries, view.country, (old) => (old ?? 0) + 1)
  }
  return pages
}
