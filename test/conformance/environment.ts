/**
 * The servers and data a conformance run needs: kinesalite with the workload (and poison records)
 * spread over several shards, DynamoDB Local tables, and a reader of what the tables hold.
 */
import { DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb"
import { CreateStreamCommand, type KinesisClient, PutRecordsCommand, type _Record } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import { inject } from "vitest"
import { createTables } from "../../src/state/dynamodb/index.js"
import { localCredentials } from "../../src/local/index.js"
import { describeStream, readShard } from "../support/kinesisEvent.js"
import type { ConformancePipelines } from "./pipelines.js"
import type { PageView } from "./workload.js"

/** Records no pipeline can use: each must reach the decode-error callback and nothing else. */
export const poisonPayloads: ReadonlyArray<string> = [
  "not json {",
  JSON.stringify({ id: -1, page: 7, country: "c0", at: 0, ms: 1 }),
  JSON.stringify({ id: -2, country: "c1", at: 0, ms: 1 }),
  "[]",
  "\u0000\u0001binary"
]

export const dynamoClient = (): DynamoDBClient =>
  new DynamoDBClient({
    endpoint: inject("dynamodbEndpoint"),
    region: "us-east-1",
    credentials: localCredentials,
    // The processor retries with its own backoff; SDK retries would hide injected faults.
    maxAttempts: 1
  })

export const createConformanceTables = (
  client: DynamoDBClient,
  pipelines: ConformancePipelines,
  extra: { readonly claimsTable?: string; readonly checkpointsTable?: string } = {}
) =>
  Effect.runPromise(
    createTables({ client, aggregates: Object.values(pipelines).map((p) => p.store), ...extra })
  )

export interface LoadedStream {
  readonly name: string
  readonly streamArn: string
  readonly shardIds: ReadonlyArray<string>
  /** Every record of each shard, in shard order, as GetRecords returns them. */
  readonly records: ReadonlyMap<string, ReadonlyArray<_Record>>
  /** Sequence numbers of the poison records. */
  readonly poison: ReadonlySet<string>
}

/** Creates a stream, puts the workload with poison records mixed in, and reads every shard back. */
export const loadStream = async (
  kinesis: KinesisClient,
  name: string,
  shards: number,
  views: ReadonlyArray<PageView>,
  poisonEvery: number
): Promise<LoadedStream> => {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }))
  const payloads: Array<{ data: string; poison: boolean }> = []
  views.forEach((view, i) => {
    payloads.push({ data: JSON.stringify(view), poison: false })
    if (i % poisonEvery === poisonEvery - 1) {
      payloads.push({ data: poisonPayloads[(i / poisonEvery) % poisonPayloads.length | 0]!, poison: true })
    }
  })
  const poison = new Set<string>()
  for (let i = 0; i < payloads.length; i += 500) {
    const chunk = payloads.slice(i, i + 500)
    const response = await kinesis.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: chunk.map((payload, j) => ({ Data: Buffer.from(payload.data), PartitionKey: `pk-${i + j}` }))
      })
    )
    if ((response.FailedRecordCount ?? 0) > 0) throw new Error("kinesalite refused records")
    response.Records?.forEach((result, j) => {
      if (chunk[j]!.poison) poison.add(result.SequenceNumber!)
    })
  }
  const described = await describeStream(kinesis, name)
  const records = new Map<string, ReadonlyArray<_Record>>()
  for (const shardId of described.shardIds) records.set(shardId, await readShard(kinesis, name, shardId))
  return { name, streamArn: described.streamArn, shardIds: described.shardIds, records, poison }
}

/** Every row of an aggregates table as `<entity>|<bucket>` → numeric value. */
export const readTable = async (client: DynamoDBClient, table: string): Promise<Map<string, number>> => {
  const rows = new Map<string, number>()
  for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      rows.set(`${item.pk?.S}|${item.sk?.N}`, Number(item.v?.N))
    }
  }
  return rows
}

/** Each pipeline's table contents, keyed as the reference fold keys them. */
export const readAll = async (client: DynamoDBClient, pipelines: ConformancePipelines) =>
  new Map([
    ["views", await readTable(client, pipelines.views.store)],
    ["time", await readTable(client, pipelines.time.store)],
    ["longest", await readTable(client, pipelines.longest.store)]
  ])

/** Sorted entries, so a failing comparison prints a readable diff. */
export const sorted = (rows: ReadonlyMap<string, number> | undefined) =>
  [...(rows ?? new Map<string, number>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/** A short account of how stored rows differ from the expected ones (for failure messages). */
export const describeDifference = (
  stored: ReadonlyMap<string, ReadonlyMap<string, number>>,
  expected: ReadonlyMap<string, ReadonlyMap<string, number>>
): string => {
  const lines: Array<string> = []
  for (const [table, rows] of expected) {
    const actual = stored.get(table) ?? new Map<string, number>()
    let missing = 0
    let under = 0
    let over = 0
    let extra = 0
    const examples: Array<string> = []
    for (const [row, value] of rows) {
      const got = actual.get(row)
      if (got === undefined) missing++
      else if (got < value) under++
      else if (got > value) over++
      if (got !== value && examples.length < 3) examples.push(`${row}: ${got} (want ${value})`)
    }
    for (const row of actual.keys()) if (!rows.has(row)) extra++
    lines.push(`${table}: ${missing} missing, ${under} under, ${over} over, ${extra} extra ${examples.join("; ")}`)
  }
  return lines.join("\n")
}
