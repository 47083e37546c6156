/**
 * Seeded page views: Zipf-like page popularity over 200 pages, skewed countries, a few thousand
 * users as partition keys, and a few malformed records. The expected totals are counted here,
 * from exactly what is produced, so the demo can check what it reads back.
 */
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import type { PageView } from "./pageViews.js"

/** One record to put: its partition key and bytes. */
export interface ProducedRecord {
  readonly partitionKey: string
  readonly data: Uint8Array
}

/** What the demo produces and the totals it must read back. */
export interface DemoEvents {
  /** Valid and malformed records, in production order. */
  readonly records: ReadonlyArray<ProducedRecord>
  readonly valid: number
  readonly malformed: number
  /** Every page that can appear, most popular first. */
  readonly pages: ReadonlyArray<string>
  readonly countries: ReadonlyArray<string>
  /** Views per page and per country among the valid records. */
  readonly expectedPages: ReadonlyMap<string, number>
  readonly expectedCountries: ReadonlyMap<string, number>
  /** Page, user and event time of every valid view, to count any time window (or uniques) from. */
  readonly views: ReadonlyArray<{ readonly page: string; readonly user: string; readonly at: number }>
}

/** Event times spread over this span before the demo starts, so hourly windows differ. */
export const demoSpanMs = 6 * 3_600_000

/** The default seed, so two demo runs produce the same stream. */
export const defaultSeed = 20_240_611

const namedPages = ["/", "/pricing", "/docs", "/blog", "/signup", "/login", "/docs/getting-started", "/docs/api", "/about", "/careers"]

/** 200 page paths, most popular first. */
export const demoPages: ReadonlyArray<string> = Array.from({ length: 200 }, (_, i) =>
  namedPages[i] ?? (i % 2 === 0 ? `/blog/post-${i}` : `/docs/guide-${i}`))

/** 20 country codes, most frequent first. */
export const demoCountries: ReadonlyArray<string> = [
  "US", "IN", "GB", "DE", "BR", "FR", "JP", "CA", "AU", "ES", "IT", "NL", "MX", "KR", "SE", "PL", "ID", "TR", "NG", "ZA"
]

const users = 5_000

/** Cumulative Zipf weights 1/rank^exponent, for sampling by binary search. */
const zipfCumulative = (size: number, exponent: number): Float64Array => {
  const cumulative = new Float64Array(size)
  let total = 0
  for (let rank = 0; rank < size; rank++) cumulative[rank] = total += 1 / Math.pow(rank + 1, exponent)
  return cumulative
}

const sample = (cumulative: Float64Array, unit: number): number => {
  const target = unit * cumulative[cumulative.length - 1]!
  let lo = 0
  let hi = cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cumulative[mid]! < target) lo = mid + 1
    else hi = mid
  }
  return lo
}

const encoder = new TextEncoder()

/** Malformed payloads, one of each kind the decoder rejects: broken JSON, wrong schema, bad UTF-8. */
const malformedPayloads: ReadonlyArray<Uint8Array> = [
  encoder.encode("{\"page\": \"/pricing\", \"country\": \"US\""),
  encoder.encode("{\"page\": 42, \"country\": \"US\", \"user\": \"u1\", \"at\": 0}"),
  new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])
]

/** How many malformed records go with `valid` page views: one per 10,000, at least 3. */
export const malformedCount = (valid: number): number => Math.max(3, Math.round(valid / 10_000))

/**
 * Generates `valid` page views (plus `malformedCount(valid)` malformed records spread among them)
 * from `seed`, with event times spread over the `demoSpanMs` before `atMs` (later ones more
 * likely, like a stream that grew). The same seed gives the same records.
 *
 * @example
 * const events = yield* generatePageViews(2_000, defaultSeed, Date.now())
 * events.expectedPages.get("/") // views of the home page
 */
export const generatePageViews = (valid: number, seed: number, atMs: number): Effect.Effect<DemoEvents> =>
  Effect.gen(function*() {
    const pageWeights = zipfCumulative(demoPages.length, 1.07)
    const countryWeights = zipfCumulative(demoCountries.length, 0.9)
    const malformed = malformedCount(valid)
    const spacing = Math.max(1, Math.floor(valid / malformed))
    const records: Array<ProducedRecord> = []
    const expectedPages = new Map<string, number>()
    const expectedCountries = new Map<string, number>()
    const views: Array<{ page: string; user: string; at: number }> = []
    for (let i = 0; i < valid; i++) {
      if (i % spacing === 0 && i / spacing < malformed) {
        const bad = malformedPayloads[(i / spacing) % malformedPayloads.length]!
        records.push({ partitionKey: `malformed-${i}`, data: bad })
      }
      const view: PageView = {
        page: demoPages[sample(pageWeights, yield* Random.next)]!,
        country: demoCountries[sample(countryWeights, yield* Random.next)]!,
        user: `u${yield* Random.nextIntBetween(0, users)}`,
        at: atMs - Math.floor((yield* Random.next) ** 2 * demoSpanMs)
      }
      views.push({ page: view.page, user: view.user, at: view.at })
      expectedPages.set(view.page, (expectedPages.get(view.page) ?? 0) + 1)
      expectedCountries.set(view.country, (expectedCountries.get(view.country) ?? 0) + 1)
      records.push({ partitionKey: view.user, data: encoder.encode(JSON.stringify(view)) })
    }
    return { records, valid, malformed, pages: demoPages, countries: demoCountries, expectedPages, expectedCountries, views }
  }).pipe(Effect.withRandom(Random.make(seed)))
