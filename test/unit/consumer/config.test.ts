import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import { type ConsumerConfig, consumerConfig } from "../../../src/kinesis/consumer/config.js"

const base: ConsumerConfig = { app: "views", stream: "clicks" }

const fieldOf = (config: ConsumerConfig) => {
  const result = consumerConfig(config)
  return Either.isLeft(result) ? { tag: result.left._tag, field: result.left.field } : undefined
}

describe("consumerConfig", () => {
  it("fills in the documented defaults", () => {
    const config = Either.getOrThrow(consumerConfig(base))
    expect(config).toMatchObject({
      startingPosition: "LATEST",
      pollIntervalMs: 1000,
      recordsPerCall: 1000,
      maxShardConcurrency: 32,
      shardSyncIntervalMs: 10_000,
      kinesisBackoff: { baseMs: 200, capMs: 5000 },
      deadLetter: "skip"
    })
  })

  it("takes the dead-letter policy of the Lambda handler, and names a wrong one", () => {
    expect(Either.getOrThrow(consumerConfig({ ...base, deadLetter: "stop" })).deadLetter).toBe("stop")
    expect(fieldOf({ ...base, deadLetter: "drop" as never })).toEqual({ tag: "InvalidConfig", field: "deadLetter" })
    expect(fieldOf({ ...base, onDeadLetter: "queue" as never })).toEqual({ tag: "InvalidConfig", field: "onDeadLetter" })
  })

  it("accepts every starting position", () => {
    for (
      const startingPosition of [
        "LATEST",
        "TRIM_HORIZON",
        { atTimestamp: new Date(1_700_000_000_000) },
        { atSequence: { "shardId-000000000000": "49590338271490256608559692538361571095921575989136588898" } },
        { afterSequence: { "shardId-000000000001": "1" } }
      ] as const
    ) {
      expect(Either.isRight(consumerConfig({ ...base, startingPosition }))).toBe(true)
    }
  })

  it.each([
    [{ ...base, app: " " }, "app"],
    [{ ...base, stream: "" }, "stream"],
    [{ ...base, stream: "bad name!" }, "stream"],
    [{ ...base, recordsPerCall: 0 }, "recordsPerCall"],
    [{ ...base, recordsPerCall: 10_001 }, "recordsPerCall"],
    [{ ...base, recordsPerCall: 2.5 }, "recordsPerCall"],
    [{ ...base, pollIntervalMs: -1 }, "pollIntervalMs"],
    [{ ...base, maxShardConcurrency: 0 }, "maxShardConcurrency"],
    [{ ...base, shardSyncIntervalMs: 0 }, "shardSyncIntervalMs"],
    [{ ...base, retry: { baseMs: -5 } }, "retry"],
    [{ ...base, retry: { maxAttempts: 0 } }, "retry"],
    [{ ...base, kinesisBackoff: { capMs: Number.NaN } }, "kinesisBackoff"],
    [{ ...base, startingPosition: { atTimestamp: new Date("nope") } }, "startingPosition"],
    [{ ...base, startingPosition: { afterSequence: { "shardId-0": "12a" } } }, "startingPosition"],
    [{ ...base, startingPosition: "EARLIEST" as unknown as "LATEST" }, "startingPosition"]
  ] as ReadonlyArray<[ConsumerConfig, string]>)("rejects %j as InvalidConfig on %s", (config, field) => {
    expect(fieldOf(config)).toEqual({ tag: "InvalidConfig", field })
  })

  it("takes recordsPerCall up to Kinesis's 10,000", () => {
    expect(Either.isRight(consumerConfig({ ...base, recordsPerCall: 10_000 }))).toBe(true)
  })
})
