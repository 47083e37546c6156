import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { loadPipelineModule, pipelineModuleFrom } from "../../../src/cli/pipelineModule.js"
import { count, definePipeline, schemaDecoder, pipeline } from "../../../src/index.js"

const View = Schema.Struct({ page: Schema.String })
const definition = { name: "views", key: (view: typeof View.Type) => view.page, monoid: count, store: "aggregates" }
const decoder = schemaDecoder(View)

const load = (exports: Record<string, unknown>) => Effect.runSyncExit(pipelineModuleFrom(exports))
const failure = (exports: Record<string, unknown>): string => {
  const exit = load(exports)
  if (Exit.isSuccess(exit)) throw new Error("expected the module to be rejected")
  return JSON.stringify(exit.cause)
}

describe("pipelineModuleFrom: modules as the README writes them", () => {
  it("takes a built pipeline, or definePipeline's Either", () => {
    for (const built of [pipeline(definition), definePipeline(definition)]) {
      const exit = load({ pipeline: built, decoder, stream: "clicks" })
      expect(Exit.isSuccess(exit) && exit.value.pipeline.name).toBe("views")
      expect(Exit.isSuccess(exit) && exit.value.stream).toBe("clicks")
    }
  })

  it("finds the one pipeline and the one decoder under other names", () => {
    const exit = load({ pageViews: definePipeline(definition), pageViewDecoder: decoder, PageView: View })
    expect(Exit.isSuccess(exit) && exit.value.pipeline.name).toBe("views")
    expect(Exit.isSuccess(exit) && exit.value.decoder).toBe(decoder)
  })

  it("names what is wrong and the fix", () => {
    expect(failure({ pipeline: definePipeline({ ...definition, store: "" }), decoder })).toContain("needs a store")
    expect(failure({ a: pipeline(definition), b: pipeline({ ...definition, name: "other" }), decoder }))
      .toContain("several (a, b): export the one to use as `pipeline`")
    expect(failure({ decoder })).toContain("must export `pipeline`")
    expect(failure({ pipeline: pipeline(definition) })).toContain("must export `decoder`")
    expect(failure({ pipeline: 3, decoder })).toContain("`pipeline` export is not a pipeline")
    expect(failure({ pipeline: pipeline(definition), decoder, stream: "" })).toContain("non-empty string")
  })
})

describe("loadPipelineModule", () => {
  it("loads a TypeScript module written as the README shows", async () => {
    const module = await Effect.runPromise(loadPipelineModule(fileURLToPath(new URL("./fixtures/readmeModule.ts", import.meta.url))))
    expect(module.pipeline.name).toBe("page-views")
    expect(Either.isRight(module.decoder.decode(new TextEncoder().encode('{"page":"/","country":"FR"}')))).toBe(true)
  })

  it("names a missing file", async () => {
    const exit = await Effect.runPromiseExit(loadPipelineModule("./no/such/module.ts"))
    expect(JSON.stringify(exit)).toContain("no such file")
  })
})
