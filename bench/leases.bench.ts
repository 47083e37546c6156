/**
 * Lease workers bench: records per second with 1, 2 and 3 worker processes sharing one 8-shard
 * stream (kinesalite → DynamoDB Local, sum of ms per page), and what the leases cost in DynamoDB
 * requests per minute. Each group starts on an empty stream and is timed once its leases are
 * balanced, from the first of 20,000 records put until the totals are exact; then it idles while
 * its lease calls (Query of the lease rows, renewals, takes, releases; checkpoints excluded, as
 * `runConsumer` writes those too) are counted over a few renew cycles. Default lease timings
 * (10 s lease, renewed every 3 s). One machine runs every process, so this shows the coordination
 * overhead and cost, not the speed-up of workers on separate machines.
 * Run alone with `npx tsx bench/leases.bench.ts`, or through `npm run bench`.
 */
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import { defaultLeaseDurationMs, defaultLeaseRenewMs } from "../src/kinesis/consumer/leases/index.js"
import { localCredentials, localKinesisClient, startDynamoDbLocal, startKinesalite, startScoped } from "../src/local/index.js"
import { createTables } from "../src/state/dynamodb/index.js"
import { buildWorker, ownership, spawnWorker, type WorkerProcess, waitFor } from "../test/integration/leases/processes.js"
import { generateWorkload } from "../test/conformance/workload.js"
import { createStream, putRecords } from "../test/support/streams.js"
import { type BenchResult, formatResult, isMain, registerBench } from "./report.js"

const recordCount = 20_000
const shardCount = 8
const idleWindowMs = 4 * defaultLeaseRenewMs
const events = generateWorkload({ seed: 17, events: recordCount, pages: 100 })
const expectedTotal = events.reduce((sum, view) => sum + view.ms, 0)

const tableTotal = async (dynamo: DynamoDBClient, table: string): Promise<number> => {
  let total = 0
  let start: Record<string, never> | undefined
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }))
    for (const item of page.Items ?? []) total += Number(item["v"]?.N ?? 0)
    start = page.LastEvaluatedKey as Record<string, never> | undefined
  } while (start !== undefined)
  return total
}

const coordinationCalls = (worker: WorkerProcess) => {
  const calls = worker.stats()?.calls
  return calls === undefined ? 0 : calls.list + calls.take + calls.renew + calls.release
}

interface GroupRun {
  readonly workers: number
  readonly ms: number
  /** Lease requests per minute of the whole group while idle and balanced. */
  readonly idlePerMinute: number
  /** Lease requests per minute of the whole group while reading. */
  readonly busyPerMinute: number
}

const runGroup = async (
  script: string,
  endpoints: { readonly kinesis: string; readonly dynamodb: string },
  dynamo: DynamoDBClient,
  size: number
): Promise<GroupRun> => {
  const kinesis = localKinesisClient(endpoints.kinesis)
  const name = `bench-leases-${size}`
  const workers: Array<WorkerProcess> = []
  try {
    await createStream(kinesis, name, shardCount)
    await Effect.runPromise(createTables({ client: dynamo, aggregates: [name], checkpointsTable: `${name}-checkpoints` }))
    for (let i = 1; i <= size; i++) {
      workers.push(spawnWorker(script, {
        kinesisEndpoint: endpoints.kinesis,
        dynamodbEndpoint: endpoints.dynamodb,
        stream: name,
        app: name,
        table: name,
        checkpointsTable: `${name}-checkpoints`,
        workerId: `w${i}`,
        leaseDurationMs: defaultLeaseDurationMs,
        leaseRenewMs: defaultLeaseRenewMs,
        recordsPerCall: 1000,
        pollIntervalMs: 1000,
        shardSyncIntervalMs: 10_000,
        statsEveryMs: 500
      }))
    }
    const activity = () => workers.reduce((n, worker) => n + worker.events.length + (worker.ready() ? 1 : 0), 0)
    await waitFor(`${size} workers balanced`, () => {
      const counts = workers.map((worker) => ownership(workers).byWorker.get(worker.id) ?? 0)
      return counts.reduce((a, b) => a + b) === shardCount && Math.max(...counts) - Math.min(...counts) <= 1
    }, activity, 60_000)
    const callsBefore = workers.reduce((n, worker) => n + coordinationCalls(worker), 0)
    const started = performance.now()
    await putRecords(kinesis, name, events, (i) => `view-${i}`)
    await waitFor(`${size} workers: exact total`, async () => (await tableTotal(dynamo, name)) >= expectedTotal, () => tableTotal(dynamo, name), 30_000)
    const ms = performance.now() - started
    const total = await tableTotal(dynamo, name)
    if (total !== expectedTotal) throw new Error(`${name}: total ${total}, expected ${expectedTotal}`)
    const busyCalls = workers.reduce((n, worker) => n + coordinationCalls(worker), 0) - callsBefore
    const idleStart = workers.reduce((n, worker) => n + coordinationCalls(worker), 0)
    const idleStarted = performance.now()
    await new Promise((resolve) => setTimeout(resolve, idleWindowMs))
    const idleCalls = workers.reduce((n, worker) => n + coordinationCalls(worker), 0) - idleStart
    const idleMs = performance.now() - idleStarted
    return {
      workers: size,
      ms,
      busyPerMinute: (busyCalls * 60_000) / ms,
      idlePerMinute: (idleCalls * 60_000) / idleMs
    }
  } finally {
    for (const worker of workers) worker.child.kill("SIGTERM")
    await Promise.all(workers.map((worker) => worker.exited))
    kinesis.destroy()
  }
}

/** Runs the 1-, 2- and 3-worker groups one after another, each on its own stream and tables. */
export const runLeasesBench = async (): Promise<BenchResult> => {
  const script = await buildWorker()
  const kinesalite = await startScoped(startKinesalite)
  const dynamoLocal = await startScoped(startDynamoDbLocal)
  const dynamo = new DynamoDBClient({ endpoint: dynamoLocal.endpoint, region: "us-east-1", credentials: localCredentials, maxAttempts: 1 })
  try {
    const endpoints = { kinesis: kinesalite.endpoint, dynamodb: dynamoLocal.endpoint }
    const runs: Array<GroupRun> = []
    for (const size of [1, 2, 3]) runs.push(await runGroup(script, endpoints, dynamo, size))
    const perSecond = (run: GroupRun) => Math.round((recordCount * 1000) / run.ms)
    const label = (run: GroupRun) => `${run.workers} worker${run.workers > 1 ? "s" : ""}`
    return {
      title: `Lease workers: ${recordCount} records, ${shardCount} shards, worker processes on one machine, kinesalite → DynamoDB Local`,
      baseline: { name: "1 worker (runWorker, fenced, checkpointed)", ms: runs[0]!.ms },
      figures: runs.slice(1).map((run) => ({ name: label(run), ms: run.ms })),
      notes: [
        `Records per second: ${runs.map((run) => `${label(run)} ${perSecond(run)}`).join(", ")}. Totals checked exact in every run.`,
        `Lease requests per minute (Query + renew + take + release), whole group, idle: ${
          runs.map((run) => `${label(run)} ${Math.round(run.idlePerMinute)}`).join(", ")
        }; while reading: ${runs.map((run) => `${label(run)} ${Math.round(run.busyPerMinute)}`).join(", ")}. ` +
        `Expected at rest: each worker one Query plus one renewal per held lease every ${defaultLeaseRenewMs} ms, ` +
        `so (workers + ${shardCount}) × ${60_000 / defaultLeaseRenewMs} a minute.`
      ]
    }
  } finally {
    dynamo.destroy()
    await kinesalite.close()
    await dynamoLocal.close()
  }
}

registerBench({ name: "leases", run: runLeasesBench })

if (isMain(import.meta.url)) {
  console.log(formatResult(await runLeasesBench()).join("\n"))
}
