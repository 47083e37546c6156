import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { DecodeError } from "../../../src/errors.js"
import { bytesDecoder, customDecoder, jsonDecoder, schemaDecoder, textDecoder } from "../../../src/processor/index.js"

const bytes = (text: string) => new TextEncoder().encode(text)
const reason = <A>(result: Either.Either<A, DecodeError>) => (Either.isLeft(result) ? result.left.reason : "ok")

describe("decoders", () => {
  const decoder = schemaDecoder(Schema.Struct({ page: Schema.String }), { maxBytes: 32 })

  it("decodes UTF-8 JSON validated by a schema", () => {
    expect(decoder.decode(bytes('{"page":"home"}'))).toEqual(Either.right({ page: "home" }))
  })

  it("names what was wrong: empty, too large, JSON, schema", () => {
    expect(reason(decoder.decode(new Uint8Array()))).toBe("empty")
    expect(reason(decoder.decode(bytes(`{"page":"${"x".repeat(40)}"}`)))).toBe("too-large")
    expect(reason(decoder.decode(bytes("{page")))).toBe("json")
    expect(reason(decoder.decode(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe("json")
    // A syntax error is "not JSON"; bytes that are not text are "not UTF-8".
    const syntax = decoder.decode(bytes("{page"))
    expect(Either.isLeft(syntax) && syntax.left.message).toMatch(/^not JSON: /)
    const binary = decoder.decode(new Uint8Array([0x7b, 0xff, 0x7d]))
    expect(Either.isLeft(binary) && binary.left.message).toMatch(/^not UTF-8: /)
    const schema = decoder.decode(bytes('{"page":3}'))
    expect(reason(schema)).toBe("schema")
    expect(Either.isLeft(schema) && schema.left.message).toContain("Expected string")
  })

  it("quotes no payload beyond 32 characters in its messages", () => {
    const secret = "secret-" + "p".repeat(100)
    const wide = schemaDecoder(Schema.Struct({ page: Schema.Number }))
    for (const text of [`${secret} not json`, `{"page": "${secret}" x}`, `{"page":"${secret}"}`]) {
      const result = wide.decode(bytes(text))
      expect(Either.isLeft(result)).toBe(true)
      const message = Either.isLeft(result) ? result.left.message : ""
      expect(message).not.toContain("p".repeat(33))
    }
    const schema = wide.decode(bytes(`{"page":"${secret}"}`))
    expect(Either.isLeft(schema) && schema.left.message).toContain(`actual "secret-${"p".repeat(24)}…`)
  })

  it("defaults to a 1 MiB limit and parses without a schema", () => {
    const json = jsonDecoder()
    expect(json.decode(bytes("[1,2]"))).toEqual(Either.right([1, 2]))
    expect(reason(json.decode(new Uint8Array(1024 * 1024 + 1)))).toBe("too-large")
    expect(reason(jsonDecoder({ maxBytes: 4 }).decode(bytes("[1,2]")))).toBe("too-large")
  })

  it("refuses a schema where it takes options (JavaScript callers of the old signature)", () => {
    expect(() => jsonDecoder(Schema.Struct({ page: Schema.String }) as never)).toThrow(/schemaDecoder/)
  })

  it("wraps custom functions that return, return Either, or throw", () => {
    const length = customDecoder((data) => data.length)
    expect(length.decode(bytes("abc"))).toEqual(Either.right(3))
    const either = customDecoder((data) => (data.length > 0 ? Either.right("ok") : Either.left("empty input")))
    expect(either.decode(bytes("a"))).toEqual(Either.right("ok"))
    const left = either.decode(new Uint8Array())
    expect(Either.isLeft(left) && [left.left.reason, left.left.message]).toEqual(["custom", "empty input"])
    const throwing = customDecoder(() => {
      throw new Error("bad magic")
    })
    const thrown = throwing.decode(bytes("x"))
    expect(Either.isLeft(thrown) && [thrown.left.reason, thrown.left.message]).toEqual(["custom", "bad magic"])
  })

  it("has text and bytes conveniences", () => {
    expect(textDecoder.decode(bytes("héllo"))).toEqual(Either.right("héllo"))
    expect(reason(textDecoder.decode(new Uint8Array([0xff])))).toBe("custom")
    const raw = new Uint8Array([1, 2])
    expect(bytesDecoder.decode(raw)).toEqual(Either.right(raw))
  })
})
