import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import { unchangedByDecoding } from "../../../src/processor/schemaFastPath.js"

// Schemas inside the compiled subset, as events are usually described.
const compiled = {
  strings: Schema.Struct({ page: Schema.String, country: Schema.String, user: Schema.String }),
  mixed: Schema.Struct({
    page: Schema.NonEmptyString,
    ms: Schema.Int.pipe(Schema.between(0, 10_000)),
    kind: Schema.Literal("view", "click"),
    ok: Schema.Boolean,
    referrer: Schema.NullOr(Schema.String),
    tags: Schema.Array(Schema.String),
    note: Schema.optional(Schema.String),
    extra: Schema.Unknown
  }),
  nested: Schema.Struct({
    user: Schema.Struct({ id: Schema.String, plan: Schema.optionalWith(Schema.Literal("free", "pro"), { exact: true }) }),
    items: Schema.Array(Schema.Struct({ sku: Schema.String, n: Schema.Number }))
  }),
  filtered: Schema.Struct({ a: Schema.Number, b: Schema.Number }).pipe(Schema.filter((v) => v.a <= v.b))
}

// Schemas the parser keeps for itself: the output may differ from the input, or a union's
// first accepting member may strip what a later member keeps.
const notCompiled = {
  transformation: Schema.Struct({ n: Schema.NumberFromString }),
  unionOfStructs: Schema.Union(Schema.Struct({ a: Schema.String }), Schema.Struct({ a: Schema.String, b: Schema.String })),
  record: Schema.Record({ key: Schema.String, value: Schema.Number }),
  empty: Schema.Struct({}),
  withDefault: Schema.Struct({ n: Schema.optionalWith(Schema.Number, { default: () => 0 }) }),
  renamed: Schema.Struct({ n: Schema.propertySignature(Schema.Number).pipe(Schema.fromKey("N")) }),
  tuple: Schema.Tuple(Schema.String, Schema.Number),
  // A union whose first member falls back to a value where this path would try the next one.
  fallback: Schema.Struct({
    n: Schema.Union(Schema.Literal("a").annotations({ decodingFallback: () => Either.right("a" as const) }), Schema.Number)
  }),
  parseOptions: Schema.Struct({ n: Schema.Number }).annotations({ parseOptions: { exact: true } })
}

/** JSON text that keeps keys holding `undefined` and key order: "unchanged" means this is equal. */
const exactly = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (v === undefined ? "(undefined)" : v))

/** Valid values with their keys shuffled, extras added, or a field replaced by any JSON value. */
const mutated = (value: unknown): fc.Arbitrary<unknown> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fc.constant(value)
  const entries = Object.entries(value)
  return fc.oneof(
    fc.constant(value),
    fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }).map(Object.fromEntries),
    fc.tuple(fc.string(), fc.jsonValue()).map(([key, extra]) => ({ ...value, [key]: extra })),
    fc.tuple(fc.nat(Math.max(0, entries.length - 1)), fc.jsonValue()).map(([i, other]) =>
      Object.fromEntries(entries.map(([k, v], j) => [k, j === i ? other : v]))),
    fc.nat(Math.max(0, entries.length - 1)).map((i) => Object.fromEntries(entries.filter((_, j) => j !== i)))
  )
}

describe("schemaFastPath: unchangedByDecoding", () => {
  for (const [name, schema] of Object.entries(compiled)) {
    const accepts = unchangedByDecoding(schema.ast)!
    const decode = ParseResult.decodeUnknownEither(schema as Schema.Schema<unknown, unknown>)
    // JSON round trip: records arrive as JSON, and it drops `undefined` the generator may put in.
    const values = Arbitrary.make(schema as Schema.Schema<unknown, unknown>).map((v) => JSON.parse(JSON.stringify(v)) as unknown)

    it(`${name}: compiles, and accepts the schema's own values in declared key order`, () => {
      expect(accepts).toBeTypeOf("function")
      fc.assert(
        fc.property(values, (value) => {
          const decoded = decode(value)
          fc.pre(Either.isRight(decoded) && exactly(decoded.right) === exactly(value))
          expect(accepts(value)).toBe(true)
        }),
        { numRuns: 200 }
      )
    })

    it(`${name}: accepts only what the parser accepts and returns unchanged (key order included)`, () => {
      fc.assert(
        fc.property(fc.oneof(values.chain(mutated), fc.jsonValue()), (input) => {
          if (!accepts(input)) return
          const decoded = decode(input)
          expect(Either.isRight(decoded)).toBe(true)
          expect(exactly(Either.getOrThrow(decoded))).toBe(exactly(input))
        }),
        { numRuns: 500 }
      )
    })
  }

  for (const [name, schema] of Object.entries(notCompiled)) {
    it(`${name}: is left to the parser`, () => {
      expect(unchangedByDecoding(schema.ast)).toBeUndefined()
    })
  }

  it("leaves extra keys and other key orders to the parser, which strips and reorders", () => {
    const decoder = schemaDecoder(compiled.strings)
    const bytes = (text: string) => new TextEncoder().encode(text)
    const shuffled = decoder.decode(bytes('{"user":"u","page":"/","country":"de","extra":1}'))
    expect(JSON.stringify(Either.getOrThrow(shuffled))).toBe('{"page":"/","country":"de","user":"u"}')
    const failed = decoder.decode(bytes('{"page":"/","country":"de"}'))
    expect(Either.isLeft(failed) && failed.left.reason).toBe("schema")
  })

  it("runs filters: a value the filter refuses is not accepted", () => {
    const accepts = unchangedByDecoding(compiled.filtered.ast)!
    expect(accepts({ a: 1, b: 2 })).toBe(true)
    expect(accepts({ a: 3, b: 2 })).toBe(false)
  })
})
