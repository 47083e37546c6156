/**
 * The setup both driver suites share: the seeded workload and its reference aggregates, kinesalite
 * loaded with it (and poison records) over 4 shards, and an admin DynamoDB client for checks.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { afterAll, beforeAll } from "vitest"
import { type LocalKinesis, localKinesisClient, type Started, startKinesalite, startScoped } from "../../src/local/index.js"
import { dynamoClient, loadStream, type LoadedStream } from "./environment.js"
import { soak } from "./scale.js"
import { type Expected, expectedAggregates, expectedVisitors, generateWorkload, type PageVisitors } from "./workload.js"

export interface ConformanceFixture {
  readonly events: number
  readonly expected: Expected
  /** What the `visitors` pipeline must hold per page (see sketches.ts). */
  readonly visitors: ReadonlyMap<string, PageVisitors>
  readonly kinesalite: () => Started<LocalKinesis>
  readonly stream: () => LoadedStream
  readonly admin: () => DynamoDBClient
}

/** Registers the suite's setup and teardown; the getters are valid inside tests. */
export const conformanceFixture = (streamName: string, seed: number): ConformanceFixture => {
  const events = soak ? 100_000 : 10_000
  const workload = generateWorkload({ seed, events, pages: 24, countries: 5, hours: 3 })
  let kinesalite: Started<LocalKinesis> | undefined
  let stream: LoadedStream | undefined
  let admin: DynamoDBClient | undefined
  beforeAll(async () => {
    kinesalite = await startScoped(startKinesalite)
    admin = dynamoClient()
    stream = await loadStream(localKinesisClient(kinesalite.endpoint), streamName, 4, workload, 997)
  }, 120_000)
  afterAll(async () => {
    admin?.destroy()
    await kinesalite?.close()
  })
  const ready = <A>(value: A | undefined): A => {
    if (value === undefined) throw new Error("the conformance fixture is not set up")
    return value
  }
  return {
    events,
    expected: expectedAggregates(workload),
    visitors: expectedVisitors(workload),
    kinesalite: () => ready(kinesalite),
    stream: () => ready(stream),
    admin: () => ready(admin)
  }
}
