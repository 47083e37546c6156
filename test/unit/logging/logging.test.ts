import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as LogLevel from "effect/LogLevel"
import { RetriesExhausted, StoreError } from "../../../src/errors.js"
import { DecodeError } from "../../../src/errors.js"
import {
  layerJsonLogger,
  layerReadableLogger,
  logBatchFailures,
  logLevelFromEnv,
  parseLogLevel
} from "../../../src/logging/index.js"

const capture = () => {
  const lines: Array<string> = []
  return { lines, sink: (line: string) => void lines.push(line), json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe("log level from the environment", () => {
  it("prefers MURMUR_LOG_LEVEL, then Lambda's, then Powertools', then Info", () => {
    expect(logLevelFromEnv({})).toBe(LogLevel.Info)
    expect(logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: "WARN" })).toBe(LogLevel.Warning)
    expect(logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: "WARN", AWS_LAMBDA_LOG_LEVEL: "DEBUG" })).toBe(LogLevel.Debug)
    expect(logLevelFromEnv({ AWS_LAMBDA_LOG_LEVEL: "DEBUG", MURMUR_LOG_LEVEL: "error" })).toBe(LogLevel.Error)
    expect(logLevelFromEnv({ MURMUR_LOG_LEVEL: "loud", POWERTOOLS_LOG_LEVEL: "critical" })).toBe(LogLevel.Fatal)
    expect(parseLogLevel(" Silent ")).toBe(LogLevel.None)
    expect(parseLogLevel("Warning")).toBe(LogLevel.Warning)
  })
})

describe("layerJsonLogger", () => {
  it.effect("writes one JSON object per line with level, message, annotations and spans; redacts secrets; filters by level", () => {
    const { json, sink } = capture()
    return Effect.gen(function*() {
      yield* Effect.logDebug("hidden")
      yield* Effect.logInfo("batch done").pipe(
        Effect.annotateLogs({ pipeline: "p", records: 3, awsSecretAccessKey: "AKIA…", sessionToken: "t" }),
        Effect.withLogSpan("batch")
      )
      yield* Effect.logError("boom", new Error("kaput"))
      const [info, error] = json()
      expect(json()).toHaveLength(2)
      expect(info).toMatchObject({ level: "INFO", message: "batch done", pipeline: "p", records: 3, spans: ["batch"] })
      expect(info!.awsSecretAccessKey).toBe("[redacted]")
      expect(info!.sessionToken).toBe("[redacted]")
      expect(new Date(info!.timestamp as string).toISOString()).toBe(info!.timestamp)
      expect(error).toMatchObject({ level: "ERROR" })
      expect(String(error!.message)).toContain("boom")
    }).pipe(Effect.provide(layerJsonLogger({ sink, level: LogLevel.Info })))
  })

  it.effect("takes its level from the environment by default", () => {
    const { lines, sink } = capture()
    const previous = process.env.MURMUR_LOG_LEVEL
    process.env.MURMUR_LOG_LEVEL = "error"
    return Effect.gen(function*() {
      yield* Effect.logWarning("quiet")
      yield* Effect.logError("loud")
      expect(lines).toHaveLength(1)
    }).pipe(
      Effect.provide(layerJsonLogger({ sink })),
      Effect.ensuring(Effect.sync(() => {
        if (previous === undefined) delete process.env.MURMUR_LOG_LEVEL
        else process.env.MURMUR_LOG_LEVEL = previous
      }))
    )
  })
})

describe("layerReadableLogger", () => {
  it.effect("writes time, level, message and key=value pairs", () => {
    const { lines, sink } = capture()
    return Effect.gen(function*() {
      yield* Effect.logWarning("slow shard").pipe(Effect.annotateLogs({ shard: "shardId-1", note: "two words" }))
      expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}slow shard shard=shardId-1 note="two words"$/)
    }).pipe(Effect.provide(layerReadableLogger({ sink, level: LogLevel.Info })))
  })
})

describe("logBatchFailures", () => {
  const records = Array.from({ length: 6 }, (_, i) => ({ sequence: `4959000${i}`, data: new Uint8Array([123, 34]) }))

  it.effect("explains each failure once: pipeline, shard, sequence range, error tag and the store's message; no payload", () => {
    const { json, lines, sink } = capture()
    const missingTable = new StoreError({
      operation: "UpdateItem",
      transient: false,
      message: "UpdateItem: ResourceNotFoundException: Requested resource not found",
      cause: { name: "ResourceNotFoundException", secret: "never logged" }
    })
    const throttled = new RetriesExhausted({
      pipeline: "p",
      entity: "user-42",
      bucket: 0,
      attempts: 3,
      cause: new StoreError({ operation: "UpdateItem", transient: true, message: "UpdateItem: ThrottlingException: slow down" })
    })
    const outcomes = [
      { _tag: "Succeeded" },
      { _tag: "Failed", error: missingTable },
      { _tag: "Failed", error: missingTable },
      { _tag: "DecodeFailed", error: new DecodeError({ reason: "schema", message: "Expected string, actual {\"card\":\"4111\"}" }) },
      { _tag: "Failed", error: throttled },
      { _tag: "NotAttempted" }
    ]
    return Effect.gen(function*() {
      yield* logBatchFailures("p", "shardId-000000000007", records, outcomes)
      const [first, second, notAttempted, decode] = json()
      expect(json()).toHaveLength(4)
      expect(first).toMatchObject({
        level: "ERROR",
        message: "records failed",
        pipeline: "p",
        shard: "shardId-000000000007",
        records: 2,
        firstSequence: "49590001",
        lastSequence: "49590002",
        error: "StoreError",
        errorMessage: "UpdateItem: ResourceNotFoundException: Requested resource not found",
        operation: "UpdateItem",
        transient: false
      })
      expect(second).toMatchObject({
        records: 1,
        firstSequence: "49590004",
        error: "RetriesExhausted",
        errorMessage: "UpdateItem: ThrottlingException: slow down",
        cause: "StoreError",
        attempts: 3,
        transient: true
      })
      expect(notAttempted).toMatchObject({ level: "WARN", records: 1, firstSequence: "49590005" })
      expect(decode).toMatchObject({ level: "WARN", message: "records did not decode", reason: "schema", records: 1 })
      const all = lines.join("\n")
      for (const leaked of ["4111", "user-42", "never logged", "Expected string"]) expect(all).not.toContain(leaked)
    }).pipe(Effect.provide(layerJsonLogger({ sink, level: LogLevel.Info })))
  })

  it.effect("logs nothing when every record succeeded or was a duplicate", () => {
    const { lines, sink } = capture()
    return logBatchFailures("p", undefined, records.slice(0, 2), [{ _tag: "Succeeded" }, { _tag: "Duplicate" }]).pipe(
      Effect.zipRight(Effect.sync(() => expect(lines).toEqual([]))),
      Effect.provide(layerJsonLogger({ sink, level: LogLevel.All }))
    )
  })
})

describe("logBatchFailures with records explained elsewhere", () => {
  it.effect("leaves them out", () => {
    const { json, sink } = capture()
    const error = new StoreError({ operation: "UpdateItem", transient: false, message: "ValidationException: too big" })
    const outcomes = [{ _tag: "Failed", error }, { _tag: "Failed", error: new StoreError({ operation: "UpdateItem", transient: false, message: "other" }) }]
    return logBatchFailures("p", "s", [{ sequence: "1" }, { sequence: "2" }], outcomes, (i) => i === 0).pipe(
      Effect.zipRight(Effect.sync(() => expect(json().map((line) => line.errorMessage)).toEqual(["other"]))),
      Effect.provide(layerJsonLogger({ sink, level: LogLevel.Info }))
    )
  })
})
