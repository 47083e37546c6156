import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import type { InvalidPipeline } from "../../../src/errors.js"
import { count, type DecimalValue, sum } from "../../../src/monoid/index.js"
import { definePipeline, pipeline, type PipelineDefinition } from "../../../src/pipeline/index.js"
import { hourly } from "../../../src/window/index.js"

interface View {
  readonly page: string
  readonly country: string
  readonly ms: number
}

const complete: PipelineDefinition<View, DecimalValue> = {
  name: "page-time",
  key: (e) => e.page,
  value: (e) => e.ms,
  monoid: sum,
  store: "aggregates"
}

const missing = (definition: PipelineDefinition<View, DecimalValue>): InvalidPipeline["missing"] => {
  const result = definePipeline(definition)
  if (Either.isRight(result)) throw new Error("expected a validation error")
  expect(result.left._tag).toBe("InvalidPipeline")
  return result.left.missing
}

describe("pipeline validation names what is missing", () => {
  it.each([
    ["name", { ...complete, name: "  " }],
    ["key extractor", { ...complete, key: undefined }],
    ["value extractor", { ...complete, value: undefined }],
    ["monoid", { ...complete, monoid: undefined }],
    ["store", { ...complete, store: "" }]
  ] as const)("%s", (expected, definition) => {
    const { key, value, monoid, store, ...rest } = definition
    const cleaned = {
      ...rest,
      ...(key === undefined ? {} : { key }),
      ...(value === undefined ? {} : { value }),
      ...(monoid === undefined ? {} : { monoid }),
      ...(store === undefined ? {} : { store })
    }
    expect(missing(cleaned)).toBe(expected)
  })

  it("rejects a key and a keys extractor together", () => {
    expect(missing({ ...complete, keys: (e) => [e.page] })).toBe("key extractor")
  })

  it("lets a count pipeline omit its value extractor: each event counts 1", () => {
    const { value: _value, ...withoutValue } = complete
    const views = pipeline({ ...withoutValue, monoid: count })
    expect(views.valueOf({ page: "a", country: "fr", ms: 10 })).toBe(1)
  })
})

describe("built pipelines", () => {
  it("turn a single key into a one-element key list, keep several keys as given", () => {
    const single = pipeline(complete)
    const rollup = pipeline({ ...complete, key: undefined as never, keys: (e) => [e.page, `country:${e.country}`] })
    const event = { page: "/home", country: "fr", ms: 5 }
    expect(single.keysOf(event)).toEqual(["/home"])
    expect(rollup.keysOf(event)).toEqual(["/home", "country:fr"])
  })

  it("have defaults and are immutable", () => {
    const built = pipeline({ ...complete, window: hourly("1 day") })
    expect(built.delivery).toBe("auto")
    expect(built.cache).toBe(false)
    expect(Object.isFrozen(built)).toBe(true)
    expect(Object.isFrozen(built.window)).toBe(true)
    expect(() => {
      ;(built as { name: string }).name = "changed"
    }).toThrow(TypeError)
  })

  it("pipeline() throws the typed error for an invalid definition", () => {
    expect(() => pipeline({ ...complete, name: "" })).toThrow(expect.objectContaining({ _tag: "InvalidPipeline" }))
  })
})
