/**
 * Conformance, Lambda driver: the seeded workload through `kinesisHandler`, batched and retried
 * as the event-source mapping does, under 20 % DynamoDB faults, container kills, duplicate
 * concurrent invocations, redeliveries and poison records, must leave DynamoDB exactly as the
 * reference fold says.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { kinesisHandler } from "../../src/kinesis/lambda/index.js"
import { layerNoop } from "../../src/metrics/noop.js"
import type { DeliveryStrategy } from "../../src/pipeline/index.js"
import { DynamoState } from "../../src/state/dynamodb/index.js"
import { createConformanceTables, readAll, sorted } from "./environment.js"
import { type ChaosOptions, type MappingStats, runShard } from "./eventSourceMapping.js"
import { conformanceFixture } from "./fixture.js"
import { chaosRandom } from "./killSwitch.js"
import { conformancePipelines, pageViewDecoder } from "./pipelines.js"
import { soak } from "./scale.js"
import { readVisitors, visitorProblems } from "./sketches.js"

// Injected faults make every failure path log (a thousand JSON lines per run); the stored totals
// and the mapping's counters are what this test checks. The handlers read the level at their
// first batch.
beforeAll(() => {
  vi.stubEnv("MURMUR_LOG_LEVEL", "silent")
})
afterAll(() => {
  vi.unstubAllEnvs()
})

const fixture = conformanceFixture("conformance-lambda", 7)
const { events, expected } = fixture

const chaos = (seed: number): ChaosOptions => ({
  random: chaosRandom(seed),
  faultRate: 0.2,
  killRate: 0.05,
  duplicateRate: 0.05,
  redeliverRate: 0.1,
  minBatch: 100,
  maxBatch: soak ? 2_000 : 500
})

const runStrategy = async (delivery: DeliveryStrategy, prefix: string) => {
  const claimsTable = `${prefix}-claims`
  const pipelines = conformancePipelines(prefix, delivery)
  await createConformanceTables(fixture.admin(), pipelines, { claimsTable })
  const stats: MappingStats = { invocations: 0, kills: 0, duplicates: 0, redeliveries: 0, retriesFromReported: 0 }
  const decodeErrors = new Map<string, Set<string>>()
  let seed = 100
  // One event-source mapping per pipeline (one function each), every shard in parallel as Lambda does.
  await Promise.all(
    Object.values(pipelines).flatMap((pipeline) => {
      const seen = new Set<string>()
      decodeErrors.set(pipeline.name, seen)
      const makeHandler = (client: DynamoDBClient) =>
        kinesisHandler(pipeline as never, pageViewDecoder, {
          layer: Layer.merge(DynamoState.layer({ client, claimsTable }), layerNoop),
          retry: { baseMs: 1, capMs: 20 },
          onDecodeError: (_raw, sequenceNumber) => void seen.add(sequenceNumber)
        })
      const stream = fixture.stream()
      return stream.shardIds.map((shardId) =>
        runShard({ streamArn: stream.streamArn, shardId, records: stream.records.get(shardId)! }, makeHandler, chaos(++seed), stats)
      )
    })
  )
  return { pipelines, stats, decodeErrors }
}

describe.each([
  ["fenced", "auto"],
  ["claims", "claims"]
] as const)("Lambda handler conformance (%s strategy)", (name, delivery) => {
  it(`ends with exactly the reference aggregates for ${events} events under chaos`, async () => {
    const { pipelines, stats, decodeErrors } = await runStrategy(delivery, `conf-lambda-${name}`)
    const stored = await readAll(fixture.admin(), pipelines)
    for (const table of ["views", "time", "longest"]) {
      expect(sorted(stored.get(table)), table).toEqual(sorted(expected.get(table)))
    }
    // Sketches: identical bytes where the sketch is order-free, Misra-Gries bounds where not.
    expect(visitorProblems(await readVisitors(fixture.admin(), pipelines), fixture.visitors)).toEqual([])
    // Every poison record reached the callback of every pipeline, and nothing else did.
    for (const seen of decodeErrors.values()) expect(seen).toEqual(fixture.stream().poison)
    // The chaos really happened.
    expect(stats.kills).toBeGreaterThan(0)
    expect(stats.duplicates).toBeGreaterThan(0)
    expect(stats.redeliveries).toBeGreaterThan(0)
    expect(stats.retriesFromReported).toBeGreaterThan(0)
    // Stuck shards fail by round count (eventSourceMapping.ts), not by time: this only bounds a pathological run.
  }, soak ? 7_200_000 : 1_800_000)
})
