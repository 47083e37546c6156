/**
 * The dashboard in a real browser (Debian's headless Chromium): it loads with no console errors
 * and nothing from another origin, shows the same figures as the API for the same keys, its live
 * counters move while events are produced, and it can be driven from the keyboard.
 */
import type * as Effect from "effect/Effect"
import { mkdirSync } from "node:fs"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startScoped, type Started } from "../../../src/local/index.js"
import { type OpenPage, openPage } from "./browser.js"
import { dashboardEnvironment } from "./environment.js"

type Environment = Started<Effect.Effect.Success<typeof dashboardEnvironment>>

let env: Environment
let browser: OpenPage
let page: Page

const api = async <A = unknown>(path: string): Promise<A> => {
  const response = await fetch(`${env.url}${path}`)
  expect(response.status, path).toBe(200)
  return (await response.json()) as A
}

/** Polls `read` until `done`; fails only when the value has not changed for `stallMs`. */
const untilProgress = async <A>(read: () => Promise<A>, done: (value: A) => boolean, stallMs = 15_000): Promise<A> => {
  let last = JSON.stringify(await read())
  let movedAt = Date.now()
  for (;;) {
    const value = await read()
    if (done(value)) return value
    const now = JSON.stringify(value)
    if (now !== last) {
      last = now
      movedAt = Date.now()
    } else if (Date.now() - movedAt > stallMs) {
      throw new Error(`no progress for ${stallMs} ms; last value ${now}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const liveRecords = async () => {
  const live = await api<{ drivers: ReadonlyArray<{ records: number }> }>("/live")
  return live.drivers.map((driver) => driver.records)
}

const number = (text: string | null) => Number((text ?? "").replace(/,/g, ""))

/** The records each driver shows, summed over its shard rows. */
const shownRecords = (p: Page) =>
  p.$$eval("#shards-body tr[data-driver]", (rows) => {
    const byDriver: Record<string, number> = {}
    for (const row of rows) {
      const driver = (row as HTMLElement).dataset["driver"]!
      const cell = row.querySelector("[data-field=records]")
      byDriver[driver] = (byDriver[driver] ?? 0) + Number((cell?.textContent ?? "").replace(/,/g, ""))
    }
    return byDriver
  })

/** The rows of a pipeline's top-keys table, as shown. */
const topRows = async (p: Page, pipeline: string) =>
  (await p.$$eval(`.top-table[data-pipeline="${pipeline}"] tr[data-key]`, (trs) =>
    trs.map((tr) => ({ key: (tr as HTMLElement).dataset["key"]!, value: tr.querySelector("[data-field=value]")!.textContent! }))))
    .map((row) => ({ key: row.key, value: number(row.value) }))

beforeAll(async () => {
  env = await startScoped(dashboardEnvironment)
  const total = await env.produce(2_000)
  await untilProgress(liveRecords, (records) => records.every((r) => r === total))
  browser = await openPage(env.url)
  page = browser.page
  await page.goto(`${env.url}/`)
  await page.waitForSelector("#live-status[data-state=ok]")
  await page.waitForSelector(".top-table tr[data-key]")
})

afterAll(async () => {
  await browser?.close()
  await env?.close()
})

describe("the dashboard", () => {
  it("loads from this server alone, with no console errors", async () => {
    expect(await page.title()).toBe("Murmur")
    expect(browser.requests.some((url) => url.endsWith("/dashboard/app.js"))).toBe(true)
    expect(browser.requests.every((url) => url.startsWith(`${env.url}/`))).toBe(true)
    expect(browser.problems).toEqual([])
  })

  it("lists the pipelines with their monoid and window, as /pipelines does", async () => {
    const listed = await api<ReadonlyArray<{ name: string; monoid: string; granularity: string | null }>>("/pipelines")
    const shown = await page.$$eval("#pipelines-body tr", (rows) =>
      rows.map((row) => ({
        name: row.querySelector("th")?.textContent,
        monoid: row.querySelector("[data-field=monoid]")?.textContent,
        window: row.querySelector("[data-field=window]")?.textContent
      })))
    expect(shown).toEqual(listed.map((p) => ({ name: p.name, monoid: p.monoid, window: p.granularity === null ? "all-time" : `${p.granularity}ly` })))
  })

  it("shows the counters and shard records /live reports", async () => {
    // Settled (everything produced is read), so the page and the API must agree exactly.
    const live = await api<{ drivers: ReadonlyArray<{ name: string; records: number }>; counters: ReadonlyArray<{ pipeline: string; merged: number }> }>("/live")
    await expect.poll(() => shownRecords(page)).toEqual(Object.fromEntries(live.drivers.map((d) => [d.name, d.records])))
    for (const counters of live.counters) {
      const merged = await page.textContent(`#pipelines-body tr[data-pipeline="${counters.pipeline}"] [data-field=merged]`)
      expect(number(merged)).toBe(counters.merged)
      expect(counters.merged).toBeGreaterThan(0)
    }
  })

  it("labels each driver's throughput series with its pipeline (two consumers never share a label)", async () => {
    const live = await api<{ drivers: ReadonlyArray<{ name: string; pipeline: string }> }>("/live")
    const labels = () => page.$$eval("#throughput-chart .u-legend .u-series .u-label", (cells) => cells.map((cell) => cell.textContent ?? ""))
    await expect.poll(labels).toEqual(expect.arrayContaining(live.drivers.map((d) => `${d.name} · ${d.pipeline}`)))
  })

  it("shows top keys equal to the API's values for the same keys", async () => {
    const last = await page.inputValue("#top-last")
    for (const [pipeline, query] of [["page-views", "window"], ["page-views-all-time", "values"]] as const) {
      const rows = await topRows(page, pipeline)
      expect(rows.length).toBe(8)
      const params = rows.map((row) => `key=${encodeURIComponent(row.key)}`).join("&")
      const answer = await api<{ values: ReadonlyArray<{ key: string; value: number }> }>(
        `/pipelines/${pipeline}/${query}?${params}${query === "window" ? `&last=${last}` : ""}`
      )
      expect(rows).toEqual(answer.values)
      const values = answer.values.map((entry) => entry.value)
      expect(values).toEqual([...values].sort((a, b) => b - a))
    }
  })

  it("charts one key's buckets with the values /series answers", async () => {
    await page.waitForSelector("#series-summary [data-field=total]")
    const key = await page.inputValue("#series-key")
    const shown = JSON.parse((await page.getAttribute("#series-summary", "data-values"))!) as Array<number>
    const series = await api<{ buckets: ReadonlyArray<{ value: number }> }>(`/pipelines/page-views/series?key=${encodeURIComponent(key)}&last=12h`)
    expect(shown).toEqual(series.buckets.map((bucket) => bucket.value))
    expect(shown.filter((value) => value > 0).length).toBeGreaterThan(1)
    expect(number(await page.textContent("#series-summary [data-field=total]"))).toBe(shown.reduce((a, b) => a + b, 0))
    expect(await page.locator("#series-chart canvas").count()).toBeGreaterThan(0)
  })

  it("shows a bad console query's error, not a blank", async () => {
    await page.fill("#console-keys", "/docs")
    await page.check("input[name=console-mode][value=window]")
    await page.fill("#console-last", "1 fortnight")
    await page.press("#console-last", "Enter")
    await expect.poll(() => page.textContent("#console-result [role=alert]")).toContain("HTTP 400 HttpApiDecodeError: last: ")
    await page.fill("#console-last", "1h")
    // Chromium logs every 400 it receives; that one was asked for.
    const expected = browser.problems.findIndex((problem) => problem.includes("status of 400"))
    expect(expected).toBeGreaterThanOrEqual(0)
    browser.problems.splice(expected, 1)
    expect(browser.problems).toEqual([])
  })

  it("answers the query console, driven from the keyboard, as the API does", async () => {
    await page.fill("#console-keys", "")
    await page.focus("#console-keys")
    await page.keyboard.type("/pricing, /docs")
    // Tab to the radio group and choose "range" with the arrow keys, as a keyboard user would.
    await page.keyboard.press("Tab")
    await page.keyboard.press("ArrowRight")
    expect(await page.isChecked("input[name=console-mode][value=range]")).toBe(true)
    await page.focus("#console-end")
    await page.keyboard.press("Enter")
    await page.waitForSelector("#console-result tr[data-key]")
    const start = await page.inputValue("#console-start")
    const end = await page.inputValue("#console-end")
    const answer = await api<{ values: ReadonlyArray<{ key: string; value: number }> }>(
      `/pipelines/page-views/range?key=%2Fpricing&key=%2Fdocs&start=${start}&end=${end}`
    )
    const shown = await page.$$eval("#console-result tr[data-key]", (trs) =>
      trs.map((tr) => ({ key: (tr as HTMLElement).dataset["key"]!, value: tr.querySelector("[data-field=value]")!.textContent! })))
    expect(shown.map((row) => ({ key: row.key, value: number(row.value) }))).toEqual(answer.values)
    expect(await page.textContent("#console-url")).toContain("/pipelines/page-views/range?key=%2Fpricing&key=%2Fdocs")
  })

  it("moves its live counters while events are produced", async () => {
    const before = await shownRecords(page)
    const producing = env.produce(6_000)
    let sawRate = false
    const after = await untilProgress(
      async () => {
        const shown = await shownRecords(page)
        const rates = await page.$$eval("#shards-body [data-field=recordsPerSecond]", (cells) => cells.map((cell) => cell.textContent))
        sawRate ||= rates.some((rate) => number(rate) > 0)
        return shown
      },
      (shown) => Object.keys(before).every((driver) => (shown[driver] ?? 0) >= before[driver]! + 6_000)
    )
    await producing
    expect(sawRate).toBe(true)
    expect(Object.values(after).every((records) => records === 8_000)).toBe(true)
    // The top keys follow too (they refresh every few seconds): the all-time table ends equal to /values.
    const expected = async () => {
      const keys = (await topRows(page, "page-views-all-time")).map((row) => `key=${encodeURIComponent(row.key)}`).join("&")
      return (await api<{ values: ReadonlyArray<{ key: string; value: number }> }>(`/pipelines/page-views-all-time/values?${keys}`)).values
    }
    await untilProgress(
      async () => ({ shown: await topRows(page, "page-views-all-time"), api: await expected() }),
      ({ api: answer, shown }) => JSON.stringify(shown) === JSON.stringify(answer) && shown.reduce((sum, row) => sum + row.value, 0) > 0
    )
    mkdirSync("test-output", { recursive: true })
    await page.screenshot({ path: "test-output/dashboard.png", fullPage: true })
    if (process.env["MURMUR_DASHBOARD_SCREENSHOT"] !== undefined) {
      await page.screenshot({ path: process.env["MURMUR_DASHBOARD_SCREENSHOT"], fullPage: true })
    }
    expect(browser.problems).toEqual([])
  })
})
