/**
 * A simulation of Lambda's Kinesis event-source mapping (ParallelizationFactor 1,
 * ReportBatchItemFailures), with chaos: it forms batches from a shard's records in order, invokes
 * a handler, and moves its checkpoint as AWS does — to the end of the batch on success, or to the
 * lowest reported sequence number, from which everything is retried. On top it kills containers
 * mid-batch, runs duplicate concurrent invocations, and redelivers records that already succeeded.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import type { _Record } from "@aws-sdk/client-kinesis"
import type { Context as LambdaContext } from "aws-lambda"
import type { KinesisHandler } from "../../src/kinesis/lambda/index.js"
import { injectFaults } from "../support/faults.js"
import { kinesisEventFrom } from "../support/kinesisEvent.js"
import { dynamoClient } from "./environment.js"
import { installKillSwitch, type KillSwitch } from "./killSwitch.js"

export interface Container {
  readonly handler: KinesisHandler
  readonly killSwitch: KillSwitch
  readonly client: DynamoDBClient
}

export interface ChaosOptions {
  readonly random: () => number
  /** Share of DynamoDB calls that fail (a third of them after the write committed). */
  readonly faultRate: number
  readonly killRate: number
  readonly duplicateRate: number
  readonly redeliverRate: number
  readonly minBatch: number
  readonly maxBatch: number
}

export interface MappingStats {
  invocations: number
  kills: number
  duplicates: number
  redeliveries: number
  retriesFromReported: number
}

const context = { getRemainingTimeInMillis: () => 600_000 } as unknown as LambdaContext

/** A fresh "container": its own DynamoDB client (with faults and a kill switch) and handler. */
export const makeContainer = (
  makeHandler: (client: DynamoDBClient) => KinesisHandler,
  faultRate: number,
  seed: number
): Container => {
  const client = dynamoClient()
  injectFaults(client, { rate: faultRate, seed })
  const killSwitch = installKillSwitch(client)
  return { handler: makeHandler(client), killSwitch, client }
}

const lowest = (sequences: ReadonlyArray<string>) => sequences.reduce((a, b) => (BigInt(a) < BigInt(b) ? a : b))

/** Drives one shard to its end through the handler, under chaos. */
export const runShard = async (
  shard: { readonly streamArn: string; readonly shardId: string; readonly records: ReadonlyArray<_Record> },
  makeHandler: (client: DynamoDBClient) => KinesisHandler,
  chaos: ChaosOptions,
  stats: MappingStats
): Promise<void> => {
  let seeds = Math.floor(chaos.random() * 1e9)
  const newContainer = () => makeContainer(makeHandler, chaos.faultRate, ++seeds)
  let container = newContainer()
  const retire = async (old: Container) => {
    await old.handler.dispose()
    old.client.destroy()
  }
  const source = { streamArn: shard.streamArn, shardId: shard.shardId }
  let position = 0
  // Bounded so a bug shows as a failure, not a hang.
  for (let round = 0; position < shard.records.length; round++) {
    if (round > 20_000) throw new Error(`shard ${shard.shardId} made no progress`)
    const size = chaos.minBatch + Math.floor(chaos.random() * (chaos.maxBatch - chaos.minBatch + 1))
    const batch = shard.records.slice(position, position + size)
    const event = kinesisEventFrom(batch, source)
    const roll = chaos.random()
    stats.invocations++

    if (roll < chaos.killRate) {
      // The container dies somewhere in the batch; its answer never reaches Lambda.
      stats.kills++
      container.killSwitch.armAfter(Math.floor(chaos.random() * batch.length))
      await container.handler(event, context)
      await retire(container)
      container = newContainer()
      continue
    }

    let response
    if (roll < chaos.killRate + chaos.duplicateRate) {
      // Two invocations of the same batch at once (e.g. a retry racing a slow first attempt).
      stats.duplicates++
      const twin = newContainer()
      const [first] = await Promise.all([container.handler(event, context), twin.handler(event, context)])
      await retire(twin)
      response = first
    } else {
      response = await container.handler(event, context)
    }

    const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier)
    if (failed.some((id) => id === "")) throw new Error("the handler reported an empty item identifier")
    if (failed.length > 0) {
      stats.retriesFromReported++
      const from = lowest(failed)
      const index = batch.findIndex((record) => record.SequenceNumber === from)
      if (index < 0) throw new Error(`reported sequence ${from} is not in the batch`)
      position += index
      continue
    }
    position += batch.length
    if (chaos.random() < chaos.redeliverRate) {
      // Records that succeeded come again (a partial redelivery of what was already applied).
      stats.redeliveries++
      position = Math.max(0, position - 1 - Math.floor(chaos.random() * batch.length))
    }
  }
  await retire(container)
}
