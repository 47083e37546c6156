/**
 * Conformance, polling consumer: the seeded workload read from kinesalite by `runConsumer` under
 * 20 % DynamoDB faults, workers killed mid-batch and restarted from their checkpoints, two workers
 * reading the same shards at once, and poison records, must leave DynamoDB exactly as the
 * reference fold says.
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { describe, expect, it } from "vitest"
import { KinesisApi, KinesisClient, runConsumer } from "../../src/kinesis/consumer/index.js"
import { layerNoop } from "../../src/metrics/noop.js"
import type { DeliveryStrategy } from "../../src/pipeline/index.js"
import { DynamoState } from "../../src/state/dynamodb/index.js"
import { localKinesisClient } from "../../src/local/index.js"
import { injectFaults } from "../support/faults.js"
import {
  createConformanceTables,
  describeDifference,
  dynamoClient,
  readAll,
  sorted
} from "./environment.js"
import { conformanceFixture } from "./fixture.js"
import { chaosRandom, installKillSwitch } from "./killSwitch.js"
import { conformancePipelines, pageViewDecoder } from "./pipelines.js"
import { soak } from "./scale.js"
import { readVisitors, visitorProblems } from "./sketches.js"

const fixture = conformanceFixture("conformance-consumer", 11)
const { events, expected } = fixture

const matches = (stored: Map<string, Map<string, number>>) =>
  ["views", "time", "longest"].every(
    (table) => JSON.stringify(sorted(stored.get(table))) === JSON.stringify(sorted(expected.get(table)))
  )

const runStrategy = async (delivery: DeliveryStrategy, prefix: string) => {
  const claimsTable = `${prefix}-claims`
  const checkpointsTable = `${prefix}-checkpoints`
  const pipelines = conformancePipelines(prefix, delivery)
  await createConformanceTables(fixture.admin(), pipelines, { claimsTable, checkpointsTable })
  const random = chaosRandom(delivery === "claims" ? 5 : 3)
  const kinesis = localKinesisClient(fixture.kinesalite().endpoint)
  const decodeErrors = new Map<string, Set<string>>()
  for (const pipeline of Object.values(pipelines)) decodeErrors.set(pipeline.name, new Set())

  /** One worker process: its own DynamoDB client (faulty, killable) running every pipeline's consumer. */
  const startWorker = (killAfterCalls: number) => {
    const client = dynamoClient()
    injectFaults(client, { rate: 0.2, seed: Math.floor(random() * 1e9) })
    const killSwitch = installKillSwitch(client)
    killSwitch.armAfter(killAfterCalls)
    const layer = Layer.mergeAll(
      DynamoState.layer({ client, claimsTable, checkpointsTable }),
      layerNoop,
      KinesisApi.layer.pipe(Layer.provide(KinesisClient.layerClient(kinesis)))
    )
    const consumers = Object.values(pipelines).map((pipeline) =>
      runConsumer(pipeline as never, pageViewDecoder, {
        app: `conformance-${pipeline.name}`,
        stream: fixture.stream().name,
        startingPosition: "TRIM_HORIZON",
        pollIntervalMs: 50,
        recordsPerCall: 400,
        shardSyncIntervalMs: 1_000,
        retry: { baseMs: 1, capMs: 20 },
        kinesisBackoff: { baseMs: 5, capMs: 50 },
        onDecodeError: (record) => Effect.sync(() => decodeErrors.get(pipeline.name)!.add(record.sequence ?? ""))
      })
    )
    const fiber = Effect.runFork(
      Effect.all(consumers, { concurrency: "unbounded", discard: true }).pipe(
        Effect.provide(layer),
        // Injected faults make every failure path log (a thousand lines per run); the totals
        // and counters are what this test checks.
        Logger.withMinimumLogLevel(LogLevel.None)
      )
    )
    return { fiber, killSwitch, client }
  }
  const stopWorker = async (worker: ReturnType<typeof startWorker>) => {
    await Effect.runPromise(Fiber.interrupt(worker.fiber))
    worker.client.destroy()
  }

  let kills = 0
  let pairs = 0
  // A progress deadline, not a wall-clock total: fail only when no worker's DynamoDB call has been
  // answered for this long (a loaded machine is slow, a stuck consumer is silent).
  const stallMs = soak ? 300_000 : 60_000
  let answeredBefore = 0
  let answeredSeen = -1
  let movedAt = Date.now()
  // Generations of workers: most die after a random number of DynamoDB calls; some run as a pair
  // over the same shards; the last generation is left to finish.
  for (let generation = 0; ; generation++) {
    const final = generation >= 6
    const twin = !final && generation % 3 === 1
    const workers = [startWorker(final ? Infinity : 100 + Math.floor(random() * 600))]
    if (twin) {
      pairs++
      workers.push(startWorker(Infinity))
    }
    for (;;) {
      const answered = answeredBefore + workers.reduce((total, worker) => total + worker.killSwitch.answered(), 0)
      if (answered !== answeredSeen) {
        answeredSeen = answered
        movedAt = Date.now()
      } else if (Date.now() - movedAt > stallMs) {
        await Promise.all(workers.map(stopWorker))
        const difference = describeDifference(await readAll(fixture.admin(), pipelines), expected)
        throw new Error(`no DynamoDB call answered for ${stallMs / 1000} s and no exact totals (generation ${generation}):\n${difference}`)
      }
      if (!final && workers[0]!.killSwitch.dead()) break
      // Done once the totals and sketches are exact and every poison record was read (it may trail the last event).
      const done = async () =>
        [...decodeErrors.values()].every((seen) => seen.size >= fixture.stream().poison.size) &&
        matches(await readAll(fixture.admin(), pipelines)) &&
        visitorProblems(await readVisitors(fixture.admin(), pipelines), fixture.visitors).length === 0
      if ((final || twin) && (await done())) break
      await new Promise((resolve) => setTimeout(resolve, 100)) // poll interval of the deadline loop
    }
    if (!final && workers[0]!.killSwitch.dead()) kills++
    await Promise.all(workers.map(stopWorker))
    answeredBefore += workers.reduce((total, worker) => total + worker.killSwitch.answered(), 0)
    if (final) break
  }
  kinesis.destroy()
  return { pipelines, kills, pairs, decodeErrors }
}

describe.each([
  ["fenced", "auto"],
  ["claims", "claims"]
] as const)("polling consumer conformance (%s strategy)", (name, delivery) => {
  it(`ends with exactly the reference aggregates for ${events} events under chaos`, async () => {
    const { pipelines, kills, pairs, decodeErrors } = await runStrategy(delivery, `conf-consumer-${name}`)
    const stored = await readAll(fixture.admin(), pipelines)
    for (const table of ["views", "time", "longest"]) {
      expect(sorted(stored.get(table)), table).toEqual(sorted(expected.get(table)))
    }
    expect(visitorProblems(await readVisitors(fixture.admin(), pipelines), fixture.visitors)).toEqual([])
    for (const seen of decodeErrors.values()) {
      for (const sequence of fixture.stream().poison) expect(seen.has(sequence)).toBe(true)
      for (const sequence of seen) expect(fixture.stream().poison.has(sequence)).toBe(true)
    }
    expect(kills).toBeGreaterThan(0)
    expect(pairs).toBeGreaterThan(0)
    // The progress deadline above is what fails a stuck run; this only bounds a pathological one.
  }, soak ? 7_200_000 : 1_800_000)
})
