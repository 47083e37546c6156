import { ExpiredIteratorException, LimitExceededException, ProvisionedThroughputExceededException, ResourceNotFoundException } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { classifyKinesisError, KinesisClient } from "../../../src/kinesis/stream/KinesisApi.js"

const metadata = { $metadata: {}, message: "boom" }

describe("classifyKinesisError", () => {
  it.each([
    [new ExpiredIteratorException(metadata), "expired-iterator"],
    [new ProvisionedThroughputExceededException(metadata), "throttled"],
    [new LimitExceededException(metadata), "throttled"],
    [Object.assign(new Error("slow down"), { name: "ThrottlingException" }), "throttled"],
    [new ResourceNotFoundException(metadata), "other"],
    [new Error("socket hang up"), "other"],
    ["not even an error", "other"]
  ] as const)("%s → %s", (cause, reason) => {
    const error = classifyKinesisError("GetRecords", cause)
    expect(error._tag).toBe("KinesisError")
    expect(error.reason).toBe(reason)
    expect(error.operation).toBe("GetRecords")
    expect(error.cause).toBe(cause)
  })
})

describe("KinesisClient.layer", () => {
  it("builds a client for the given region and endpoint", async () => {
    const endpoint = await Effect.runPromise(
      Effect.gen(function*() {
        const client = yield* KinesisClient
        const resolved = yield* Effect.promise(() => client.config.endpoint!())
        return { region: yield* Effect.promise(() => client.config.region()), host: resolved.hostname, port: resolved.port }
      }).pipe(Effect.provide(KinesisClient.layer({ region: "eu-west-1", endpoint: "http://127.0.0.1:4567" })))
    )
    expect(endpoint).toEqual({ region: "eu-west-1", host: "127.0.0.1", port: 4567 })
  })
})
