import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { consumerEventId, fitsKey, keyProblem, lambdaEventId, maxKeyBytes, utf8Length } from "../../../src/record/index.js"

describe("keys", () => {
  it("count UTF-8 bytes as Node encodes them, lone surrogates included", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, "utf8"))
    }))
    expect(utf8Length("\ud83d")).toBe(3)
    expect(utf8Length("\ud83dx")).toBe(4)
    expect(utf8Length("😀")).toBe(4)
  })

  it("fit a partition key up to 2048 bytes, however they are made", () => {
    expect(fitsKey("é".repeat(1024))).toBe(true)
    expect(fitsKey("é".repeat(1025))).toBe(false)
    expect(fitsKey("a".repeat(maxKeyBytes))).toBe(true)
    expect(fitsKey("a".repeat(maxKeyBytes + 1))).toBe(false)
  })

  it("say why a key cannot address a row", () => {
    expect(keyProblem("home")).toBeUndefined()
    expect(keyProblem("")).toBe("a key must not be empty")
    expect(keyProblem(7)).toBe("a key must be a string, got number")
    expect(keyProblem("😀".repeat(513))).toBe("a key must be at most 2048 UTF-8 bytes, got 2052")
  })
})

describe("event ids", () => {
  it("keep each driver's format", () => {
    expect(lambdaEventId("arn:aws:kinesis:eu-west-1:1:stream/s", "42")).toBe("arn:aws:kinesis:eu-west-1:1:stream/s/42")
    expect(lambdaEventId(undefined, "42")).toBe("42")
    expect(lambdaEventId("", "42")).toBe("42")
    expect(consumerEventId("clicks", "shardId-000000000001", "42")).toBe("clicks/shardId-000000000001/42")
  })
})
