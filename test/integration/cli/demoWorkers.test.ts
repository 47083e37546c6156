/**
 * `murmur demo --workers 2`: the hourly pipeline read by two lease-sharing workers in process.
 * Both workers hold shards (the output and `/live` say which), and the totals still verify.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { describe, expect, inject, it } from "vitest"
import { parseArgs } from "../../../src/cli/args.js"
import { demo } from "../../../src/cli/demo/demo.js"
import { openPage } from "../dashboard/browser.js"
import { retryWhileProgressing } from "./progressDeadline.js"

const events = 2_000
const workers = ["worker-1", "worker-2"]

interface LiveShard {
  readonly shard: string
  readonly records: number
  readonly owner?: string
}
interface Live {
  readonly drivers: ReadonlyArray<{ readonly name: string; readonly shards: ReadonlyArray<LiveShard> }>
}

/** `worker-1 #0 #1, worker-2 #2 #3` → the shard labels each worker holds. */
const heldBy = (text: string) =>
  new Map(text.split(", ").map((part) => {
    const [worker, ...shards] = part.split(" ")
    return [worker!, shards.filter((shard) => shard !== "-")] as const
  }))

describe("murmur demo --workers", () => {
  it("parses --workers and keeps the default without it", () => {
    expect(Either.getOrThrow(parseArgs(["demo", "--workers", "2"]))).toMatchObject({ _tag: "Demo", workers: 2 })
    expect(Either.getOrThrow(parseArgs(["demo", "--workers=3"]))).toMatchObject({ workers: 3 })
    expect(Either.getOrThrow(parseArgs(["demo"]))).not.toHaveProperty("workers")
    expect(Either.isLeft(parseArgs(["demo", "--workers", "0"]))).toBe(true)
  })

  it("spreads the shards over two workers, names the owners in its output and /live, and verifies the totals", async () => {
    const lines: Array<string> = []
    const say = (line: string) => Effect.sync(() => void lines.push(line))
    const fiber = Effect.runFork(demo({ events, serve: true, port: 0, memory: true, workers: 2, say, nameSuffix: `-cli-test-workers-${process.pid}` }))
    const urlLine = Effect.suspend(() => {
      const line = lines.find((l) => l.startsWith("Query API on "))
      // The failure grows with the output, so the wait ends only when the demo stops printing.
      return line === undefined ? Effect.fail(`not serving yet (${lines.length} lines)`) : Effect.succeed(/^Query API on (\S+) /.exec(line)![1]!)
    })
    const url = await Effect.runPromise(retryWhileProgressing(urlLine))

    expect(lines).toContain("verified: totals match the 2,000 produced events (200 pages in both pipelines, 20 countries)")
    expect(lines.some((line) => line.startsWith("caught up: both drivers read all 2,003 records"))).toBe(true)
    // Balanced before production: two shards each.
    const balanced = lines.find((line) => line.startsWith("workers: "))
    expect(balanced).toBeDefined()
    const atStart = heldBy(/^workers: (.+) \(leases on /.exec(balanced!)![1]!)
    expect([...atStart.keys()]).toEqual(workers)
    for (const worker of workers) expect(atStart.get(worker)).toHaveLength(2)
    // The progress lines and the closing line name the holders too.
    expect(lines.some((line) => /^\[\s*\d+s\] produced .* · leases worker-1 .*, worker-2 /.test(line))).toBe(true)
    const closing = lines.find((line) => line.startsWith("leases: "))
    expect(closing).toBeDefined()
    const atEnd = heldBy(/^leases: (.+) \(\d+ taken/.exec(closing!)![1]!)
    expect([...atEnd.values()].flat().sort()).toEqual(["#0", "#1", "#2", "#3"])
    for (const worker of workers) expect(atEnd.get(worker)!.length).toBeGreaterThan(0)

    const live = (await (await fetch(`${url}/live`)).json()) as Live
    const consumer = live.drivers.find((driver) => driver.name === "consumer")!
    expect(consumer.shards).toHaveLength(4)
    // Balanced (and the robbed workers stopped) before production: each record read by one worker,
    // unless a lease was lost after that (a process paused past the 4 s lease on a loaded machine).
    const [, stolen, lost] = /\((\d+) taken, (\d+) of them stolen to balance, (\d+) lost\)$/.exec(closing!)!.slice(1).map(Number)
    const records = consumer.shards.reduce((sum, shard) => sum + shard.records, 0)
    if (lost === stolen) expect(records).toBe(2_003)
    else expect(records).toBeGreaterThanOrEqual(2_003)
    const owners = new Set(consumer.shards.map((shard) => shard.owner))
    expect([...owners].sort()).toEqual(workers)
    // Each shard's owner in /live is the one the closing line names.
    for (const shard of consumer.shards) {
      expect(atEnd.get(shard.owner!)).toContain(shard.shard.replace(/^shardId-0*(?=\d)/, "#"))
    }
    // Drivers without leases report no owner.
    const lambda = live.drivers.find((driver) => driver.name === "lambda")!
    expect(lambda.shards.every((shard) => !("owner" in shard))).toBe(true)

    // The dashboard's shard table gains an Owner column with the same owners.
    const browser = await openPage(url)
    try {
      await browser.page.goto(`${url}/`)
      await browser.page.waitForSelector("#shards-body tr[data-driver=consumer] td[data-field=owner]")
      const header = await browser.page.$$eval("#shards-body", ([body]) =>
        Array.from(body!.closest("table")!.querySelectorAll("thead th"), (th) => th.textContent))
      expect(header).toContain("Owner")
      const shown = await browser.page.$$eval("#shards-body tr[data-driver]", (rows) =>
        rows.map((row) => ({
          pipeline: row.querySelector("td")?.textContent,
          shard: row.getAttribute("data-shard"),
          owner: row.querySelector("td[data-field=owner]")?.textContent
        })))
      // The sketch consumers (runConsumer) and the Lambda path hold no leases: their cells are empty.
      const owned = shown.filter((row) => row.owner !== "")
      expect(owned.every((row) => row.pipeline === "page-views")).toBe(true)
      expect(Object.fromEntries(owned.map((row) => [row.shard, row.owner])))
        .toEqual(Object.fromEntries(consumer.shards.map((shard) => [shard.shard, shard.owner])))
      expect(shown.length).toBeGreaterThan(owned.length)
      expect(browser.problems).toEqual([])
    } finally {
      await browser.close()
    }

    const exit = await Effect.runPromise(Fiber.interrupt(fiber))
    expect(Exit.isInterrupted(exit)).toBe(true)
  }, 600_000)

  it("verifies the totals with the workers' leases on DynamoDB Local", async () => {
    const endpoint = inject("dynamodbEndpoint")
    const lines: Array<string> = []
    const summary = await Effect.runPromise(demo({
      events,
      serve: false,
      dynamodbEndpoint: endpoint,
      workers: 2,
      say: (line) => Effect.sync(() => void lines.push(line)),
      nameSuffix: `-cli-test-workers-${process.pid}-d`
    }))
    expect(lines).toContain("verified: totals match the 2,000 produced events (200 pages in both pipelines, 20 countries)")
    expect(summary.backend).toBe("dynamodb")
    expect(Object.keys(summary.owners!).sort()).toHaveLength(4)
    expect([...new Set(Object.values(summary.owners!))].sort()).toEqual(workers)
  }, 600_000)
})
