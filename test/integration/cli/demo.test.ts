/**
 * The demo end to end, in process: embedded kinesalite, both drivers, the report. Its printed
 * totals are checked against counts made here from the produced records' bytes.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { createServer, type AddressInfo } from "node:net"
import { describe, expect, inject, it } from "vitest"
import { demo } from "../../../src/cli/demo/demo.js"
import { defaultSeed, generatePageViews } from "../../../src/cli/demo/generate.js"
import { retryWhileProgressing } from "./progressDeadline.js"

const events = 2_000
// A start the test knows (20 minutes into the current hour, recent enough for the rows' 7-day
// retention), so it can tell which produced events fall in the demo's "last hour".
const hourMs = 3_600_000
const startMs = Math.floor(Date.now() / hourMs) * hourMs + 20 * 60_000
// The report's "last hour" is what the API's last=1 hour reads: the hour bucket holding the start.
const lastHourFrom = startMs - 20 * 60_000

/** Counts page views per page and per country straight from the JSON the producer put. */
const countProduced = () => {
  const produced = Effect.runSync(generatePageViews(events, defaultSeed, startMs))
  const pages = new Map<string, number>()
  const lastHour = new Map<string, number>()
  const countries = new Map<string, number>()
  let malformed = 0
  for (const record of produced.records) {
    let view: { page?: unknown; country?: unknown; user?: unknown; at?: unknown }
    try {
      view = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(record.data))
    } catch {
      malformed++
      continue
    }
    if (typeof view.page !== "string" || typeof view.country !== "string" || typeof view.user !== "string" || typeof view.at !== "number") {
      malformed++
      continue
    }
    pages.set(view.page, (pages.get(view.page) ?? 0) + 1)
    if (view.at >= lastHourFrom) lastHour.set(view.page, (lastHour.get(view.page) ?? 0) + 1)
    countries.set(view.country, (countries.get(view.country) ?? 0) + 1)
  }
  return { pages, countries, malformed, lastHour }
}

const number = (text: string) => Number(text.replaceAll(",", ""))

/** The lines of the section whose header starts with `header`, up to the next blank line. */
const section = (lines: ReadonlyArray<string>, header: string): ReadonlyArray<string> => {
  const start = lines.findIndex((line) => line.startsWith(header))
  expect(start, `section "${header}"`).toBeGreaterThanOrEqual(0)
  const end = lines.indexOf("", start)
  return lines.slice(start + 1, end < 0 ? undefined : end)
}

const ranked = (lines: ReadonlyArray<string>) =>
  lines.map((line) => {
    const match = /^\s+(\d+)\. (\S+)\s+([\d,]+)$/.exec(line)
    expect(match, line).not.toBeNull()
    return { rank: Number(match![1]), page: match![2]!, views: number(match![3]!) }
  })

/** The 10 largest, largest first, ties by name: the order `Query.topN` gives. */
const expectedTop = (counts: ReadonlyMap<string, number>) =>
  [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, 10)
    .map(([page, views], i) => ({ rank: i + 1, page, views }))

const runDemo = (options: { readonly memory: boolean; readonly dynamodbEndpoint?: string }) => {
  const lines: Array<string> = []
  const say = (line: string) => Effect.sync(() => void lines.push(line))
  return Effect.runPromise(
    demo({ events, startMs, serve: false, say, nameSuffix: `-cli-test-${process.pid}-${options.memory ? "m" : "d"}`, ...options })
  ).then((summary) => ({ summary, lines }))
}

const checkReport = (lines: ReadonlyArray<string>) => {
  const produced = countProduced()
  const pageTotals = new Map([...produced.pages].map(([page, views]) => [page, views]))

  expect(ranked(section(lines, "Top 10 pages, all-time"))).toEqual(expectedTop(pageTotals))
  expect(ranked(section(lines, "Top 10 pages, last hour"))).toEqual(expectedTop(produced.lastHour))
  // Events spread over six hours: the last hour holds only part of them.
  const lastHourViews = [...produced.lastHour.values()].reduce((a, b) => a + b, 0)
  expect(lastHourViews).toBeGreaterThan(0)
  expect(lastHourViews).toBeLessThan(events)

  const countries = section(lines, "Views per country").map((line) => {
    const match = /^\s+([A-Z]{2})\s+([\d,]+)$/.exec(line)
    expect(match, line).not.toBeNull()
    return [match![1]!, number(match![2]!)] as const
  })
  expect(new Map(countries)).toEqual(produced.countries)
  expect(countries.reduce((sum, [, views]) => sum + views, 0)).toBe(events)

  expect(lines).toContain("verified: totals match the 2,000 produced events (200 pages in both pipelines, 20 countries)")
  expect(lines).toContain(
    `caught up: both drivers read all ${(events + produced.malformed).toLocaleString("en-US")} records; ` +
      `malformed records reported: consumer ${produced.malformed}, lambda ${produced.malformed} (${produced.malformed} produced)`
  )
  expect(lines.some((line) => /^\[\s*\d+s\] produced [\d,]+\/2,003 /.test(line))).toBe(true)
  return produced
}

describe("murmur demo", () => {
  it("prints totals equal to the produced ones with the in-memory store", async () => {
    const { summary, lines } = await runDemo({ memory: true })
    const produced = checkReport(lines)
    expect(lines).toContain("store: in memory (--memory)")
    expect(summary).toEqual({
      produced: events,
      malformed: produced.malformed,
      backend: "memory",
      decodeErrors: { consumer: produced.malformed, lambda: produced.malformed }
    })
  }, 600_000)

  it("prints totals equal to the produced ones on DynamoDB Local", async () => {
    const endpoint = inject("dynamodbEndpoint")
    const { summary, lines } = await runDemo({ memory: false, dynamodbEndpoint: endpoint })
    checkReport(lines)
    expect(lines).toContain(`store: DynamoDB at ${endpoint}`)
    expect(summary.backend).toBe("dynamodb")
  }, 600_000)
})

describe("murmur demo, serving", () => {
  it("serves the query API with the verified totals until interrupted, then closes it", async () => {
    const lines: Array<string> = []
    const say = (line: string) => Effect.sync(() => void lines.push(line))
    const fiber = Effect.runFork(demo({ events, serve: true, port: 0, memory: true, say, nameSuffix: "-cli-test-serve" }))
    const urlLine = Effect.suspend(() => {
      const line = lines.find((l) => l.startsWith("Query API on "))
      // The failure grows with the output, so the wait ends only when the demo stops printing.
      return line === undefined ? Effect.fail(`not serving yet (${lines.length} lines)`) : Effect.succeed(/^Query API on (\S+) /.exec(line)![1]!)
    })
    const url = await Effect.runPromise(retryWhileProgressing(urlLine))
    const produced = countProduced()
    const response = await fetch(`${url}/pipelines/page-views-all-time/values?key=${encodeURIComponent("page:/")}&key=${encodeURIComponent("page:/pricing")}`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      pipeline: "page-views-all-time",
      values: [
        { key: "page:/", value: produced.pages.get("/") },
        { key: "page:/pricing", value: produced.pages.get("/pricing") }
      ]
    })
    expect(lines).toContain(`  curl '${url}/pipelines'`)

    const exit = await Effect.runPromise(Fiber.interrupt(fiber))
    expect(Exit.isInterrupted(exit)).toBe(true)
    await expect(fetch(`${url}/pipelines`)).rejects.toThrow()
  }, 600_000)

  it("names a taken port before producing anything", async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve))
    const port = (taken.address() as AddressInfo).port
    const lines: Array<string> = []
    const exit = await Effect.runPromiseExit(
      demo({ events, port, memory: true, say: (line) => Effect.sync(() => void lines.push(line)), nameSuffix: "-cli-test-taken" })
    )
    taken.close()
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain(`port ${port} (the query API) is taken on 127.0.0.1`)
    expect(lines).toEqual([])
  })
})
