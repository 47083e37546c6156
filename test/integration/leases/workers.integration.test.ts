/**
 * Three real worker processes share one 8-shard stream through DynamoDB leases (kinesalite +
 * DynamoDB Local): one starts alone, two join (balance), one is SIGKILLed (failover after lease
 * expiry), a shard is split and two merged mid-run (parents before children), one is SIGTERMed
 * (handoff: it releases, the survivor takes over on its next cycle). 20,000 seeded events end in
 * exactly the reference fold's totals, and the lease events show no long double reading.
 */
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb"
import type { KinesisClient } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { localCredentials, type LocalKinesis, localKinesisClient, type Started, startKinesalite, startScoped } from "../../../src/local/index.js"
import { createTables, makeDynamoLeases } from "../../../src/state/dynamodb/index.js"
import { expectedAggregates, generateWorkload, type PageView } from "../../conformance/workload.js"
import { adjacentOpenShards, createStream, listAllShards, mergeShards, putRecords, splitShard } from "../../support/streams.js"
import type { WorkerFixtureConfig } from "./fixtures/worker.js"
import { buildWorker, type LeaseLine, ownership, spawnWorker, type WorkerProcess, waitFor } from "./processes.js"

const stream = "leases-it"
const table = "leases-it-time"
const checkpointsTable = "leases-it-checkpoints"
// The defaults' lease (10 s), renewed more often: room for a loaded 2-core machine, where an event
// loop can stall for seconds.
const leaseDurationMs = 10_000
const leaseRenewMs = 2_000
const events = generateWorkload({ seed: 13, events: 20_000, pages: 40 })
const expected = expectedAggregates(events).get("time")!

let kinesalite: Started<LocalKinesis>
let kinesis: KinesisClient
let dynamo: DynamoDBClient
let script: string
const workers: Array<WorkerProcess> = []

beforeAll(async () => {
  script = await buildWorker()
  kinesalite = await startScoped(startKinesalite)
  kinesis = localKinesisClient(kinesalite.endpoint)
  dynamo = new DynamoDBClient({ endpoint: inject("dynamodbEndpoint"), region: "us-east-1", credentials: localCredentials, maxAttempts: 1 })
  await Effect.runPromise(createTables({ client: dynamo, aggregates: [table], checkpointsTable }))
  await createStream(kinesis, stream, 8)
})

afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL")
  await Promise.all(workers.map((worker) => worker.exited))
  kinesis?.destroy()
  dynamo?.destroy()
  await kinesalite?.close()
})

const start = (workerId: string) => {
  const config: WorkerFixtureConfig = {
    kinesisEndpoint: kinesalite.endpoint,
    dynamodbEndpoint: inject("dynamodbEndpoint"),
    stream,
    app: "leases-it",
    table,
    checkpointsTable,
    workerId,
    leaseDurationMs,
    leaseRenewMs,
    recordsPerCall: 250,
    pollIntervalMs: 100,
    shardSyncIntervalMs: 1_000
  }
  const worker = spawnWorker(script, config)
  workers.push(worker)
  return worker
}

/** The table's rows as `<page>|0` → sum (the reference fold's keys). */
const stored = async (): Promise<Map<string, number>> => {
  const rows = new Map<string, number>()
  let startKey: Record<string, never> | undefined
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }))
    for (const item of page.Items ?? []) rows.set(`${item["pk"]!.S!}|${item["sk"]!.N!}`, Number(item["v"]!.N!))
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined
  } while (startKey !== undefined)
  return rows
}
const storedTotal = async () => [...(await stored()).values()].reduce((a, b) => a + b, 0)
const expectedTotal = (views: ReadonlyArray<PageView>) => views.reduce((sum, view) => sum + view.ms, 0)

let produced = 0
const produce = async (count: number) => {
  const batch = events.slice(produced, produced + count)
  await putRecords(kinesis, stream, batch, (i) => `view-${produced + i}`)
  produced += batch.length
}

/** Moves while events or totals move: the deadline of every wait. */
const activity = async () => workers.reduce((n, worker) => n + worker.events.length, 0) + (await storedTotal())
const failWith = (error: unknown): never => {
  const logs = workers.map((worker) => `--- ${worker.id} stderr:\n${worker.stderr()}`).join("\n")
  const t0 = Math.min(...workers.flatMap((w) => w.events.map((e) => e.at)))
  const timeline = workers.flatMap((w) => w.events).sort((a, b) => a.at - b.at).map((e) =>
    `${e.at - t0} ${e.workerId} ${e._tag} ${e.shardId.slice(-3)} ${"reason" in e ? e.reason : ""} ${"from" in e ? e.from ?? "" : ""}${"holder" in e ? e.holder ?? "" : ""}`
  )
  console.error(timeline.join("\n"))
  throw new Error(`${String(error)}\n${logs}`)
}

/** Per shard, when each worker held it: from its take to its loss or release (or `ends` for a worker that died). */
const holdings = (lines: ReadonlyArray<LeaseLine>, ends: ReadonlyMap<string, number>) => {
  const spans: Array<{ shardId: string; workerId: string; from: number; to: number }> = []
  const open = new Map<string, { from: number }>()
  for (const event of [...lines].sort((a, b) => a.at - b.at)) {
    const id = `${event.workerId}|${event.shardId}`
    if (event._tag === "LeaseTaken") open.set(id, { from: event.at })
    else if (open.has(id)) {
      spans.push({ shardId: event.shardId, workerId: event.workerId, from: open.get(id)!.from, to: event.at })
      open.delete(id)
    }
  }
  for (const [id, span] of open) {
    const [workerId, shardId] = id.split("|") as [string, string]
    spans.push({ shardId, workerId, from: span.from, to: ends.get(workerId) ?? Date.now() })
  }
  return spans
}

describe("three worker processes on one stream (kinesalite + DynamoDB Local)", () => {
  it("balance, SIGKILL failover, reshard, SIGTERM handoff: exact totals and no long double reading", async () => {
    try {
      // 1. One worker alone leases all 8 shards.
      await produce(4_000)
      const w1 = start("w1")
      await waitFor("w1 holds every shard", () => ownership(workers).byWorker.get("w1") === 8, activity)

      // 2. Two more join: shares within one (3/3/2).
      const w2 = start("w2")
      const w3 = start("w3")
      await produce(4_000)
      await waitFor("balanced over three workers", () => {
        const counts = ["w1", "w2", "w3"].map((id) => ownership(workers).byWorker.get(id) ?? 0)
        return counts.reduce((a, b) => a + b) === 8 && Math.max(...counts) - Math.min(...counts) <= 1
      }, activity)
      const stolen = workers.flatMap((w) => w.events).filter((e) => e._tag === "LeaseTaken" && e.reason === "stolen")
      // Balancing steals (a stalled worker's leases may also expire and be taken instead).
      expect(stolen.length).toBeGreaterThanOrEqual(1)

      // 3. SIGKILL w2: its leases expire and the others take them.
      const w2Shards = [...ownership(workers).owner].filter(([, id]) => id === "w2").map(([shardId]) => shardId)
      expect(w2Shards.length).toBeGreaterThanOrEqual(2)
      const leaseRows = await Effect.runPromise(makeDynamoLeases(dynamo, checkpointsTable).list("leases-it", stream))
      const killedAt = Date.now()
      w2.child.kill("SIGKILL")
      await w2.exited
      await produce(3_000)
      await waitFor("w2's shards taken over", () => {
        const { owner } = ownership(workers)
        return w2Shards.every((shardId) => owner.get(shardId) !== undefined && owner.get(shardId) !== "w2")
      }, activity)
      const failovers = [w1, w3].flatMap((w) => w.events).filter((e) => e._tag === "LeaseTaken" && w2Shards.includes(e.shardId) && e.at >= killedAt)
      expect(failovers.every((e) => e._tag === "LeaseTaken" && e.reason === "expired" && e.from === "w2")).toBe(true)
      const failoverMs = Math.max(...failovers.map((e) => e.at)) - killedAt
      // Taken once expired (never before), and soon after: normally within one renew cycle.
      const expiry = (shardId: string) => leaseRows.find((row) => row.shardId === shardId)!.expiresAt!
      const lateness = failovers.map((e) => e.at - expiry(e.shardId))
      expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0)
      expect(Math.max(...lateness)).toBeLessThan(leaseDurationMs)

      // 4. Split one shard, then merge two adjacent open shards, while records keep coming.
      const [splitParent] = (await listAllShards(kinesis, stream)).map((s) => s.ShardId!)
      await splitShard(kinesis, stream, splitParent!)
      await produce(2_000)
      const [left, right] = await adjacentOpenShards(kinesis, stream)
      await mergeShards(kinesis, stream, left, right)
      await produce(2_000)
      const shards = await listAllShards(kinesis, stream)
      const children = shards.filter((s) => s.ParentShardId !== undefined)
      expect(children).toHaveLength(3)
      await waitFor("every child shard leased", () => {
        const taken = new Set(workers.flatMap((w) => w.events).filter((e) => e._tag === "LeaseTaken").map((e) => e.shardId))
        return children.every((child) => taken.has(child.ShardId!))
      }, activity)

      // 5. SIGTERM w3: it finishes its batches, checkpoints, releases; w1 takes over within a cycle.
      const w3Shards = [...ownership(workers).owner].filter(([, id]) => id === "w3").map(([shardId]) => shardId)
      w3.child.kill("SIGTERM")
      const w3Exit = await w3.exited
      expect(w3Exit).toEqual({ code: 0, signal: null })
      const released = w3.events.filter((e) => e._tag === "LeaseReleased" && e.reason === "shutdown")
      expect(released.map((e) => e.shardId).sort()).toEqual([...w3Shards].sort())
      await produce(events.length - produced)
      await waitFor("w3's shards taken by w1", () => {
        const { owner } = ownership(workers, new Set(["w2", "w3"]))
        return w3Shards.every((shardId) => owner.get(shardId) === "w1")
      }, activity)
      const handoffs = w1.events.filter((e) => e._tag === "LeaseTaken" && w3Shards.includes(e.shardId) && e.at >= released[0]!.at)
      expect(handoffs.every((e) => e._tag === "LeaseTaken" && e.reason === "released")).toBe(true)

      // 6. Everything read: exact totals.
      await waitFor("exact totals", async () => (await storedTotal()) === expectedTotal(events), activity)
      w1.child.kill("SIGTERM")
      expect(await w1.exited).toEqual({ code: 0, signal: null })
      const rows = await stored()
      expect(rows.size).toBe(expected.size)
      for (const [row, value] of expected) expect(rows.get(row), row).toBe(value)

      // Parents before children: no child was taken before its parents were released as finished.
      const all = workers.flatMap((w) => w.events)
      for (const child of children) {
        const firstTake = Math.min(...all.filter((e) => e._tag === "LeaseTaken" && e.shardId === child.ShardId).map((e) => e.at))
        for (const parent of [child.ParentShardId, child.AdjacentParentShardId].filter((p) => p !== undefined)) {
          const finished = all.find((e) => e._tag === "LeaseReleased" && e.reason === "finished" && e.shardId === parent)
          expect(finished, `${parent} finished`).toBeDefined()
          expect(firstTake).toBeGreaterThanOrEqual(finished!.at)
        }
      }

      // No long double reading: two workers held one shard together for less than a lease duration.
      const spans = holdings(all, new Map([["w2", killedAt]]))
      let longestOverlap = 0
      for (const a of spans) {
        for (const b of spans) {
          if (a.shardId !== b.shardId || a.workerId >= b.workerId) continue
          longestOverlap = Math.max(longestOverlap, Math.min(a.to, b.to) - Math.max(a.from, b.from))
        }
      }
      expect(longestOverlap).toBeLessThan(leaseDurationMs)
      console.log(
        `leases: ${stolen.length} steals; w2's shards read again ${failoverMs} ms after SIGKILL ` +
          `(${Math.max(...lateness)} ms after their expiry); longest double holding ${Math.max(0, longestOverlap)} ms`
      )
    } catch (error) {
      failWith(error)
    }
  }, 240_000)
})
