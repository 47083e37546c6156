/** Loads a user's pipeline module for `murmur run`. */
import { Effect } from "effect"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { InvalidConfig } from "../errors.js"
import type { Pipeline } from "../pipeline/Pipeline.js"
import type { Decoder } from "../processor/types.js"

/**
 * What a pipeline module exports. `stream` and `app` override `MURMUR_STREAM` and `MURMUR_APP`.
 *
 * @example
 * // pipeline.ts
 * export const pipeline = definePipeline(...)   // or pipeline({...})
 * export const decoder = jsonDecoder(PageView)
 * export const stream = "clicks"
 */
export interface PipelineModule {
  readonly pipeline: Pipeline<unknown, unknown>
  readonly decoder: Decoder<unknown>
  readonly stream?: string | undefined
  readonly app?: string | undefined
}

const invalid = (field: string, message: string) => new InvalidConfig({ field, message })

const optionalString = (exports: Record<string, unknown>, name: string): Effect.Effect<string | undefined, InvalidConfig> => {
  const value = exports[name]
  if (value === undefined) return Effect.succeed(undefined)
  return typeof value === "string" && value.trim() !== ""
    ? Effect.succeed(value)
    : Effect.fail(invalid(name, `the module's \`${name}\` export must be a non-empty string`))
}

/** Checks a module's exports: a built pipeline, a decoder, and optional stream and app names. */
export const pipelineModuleFrom = (exports: Record<string, unknown>): Effect.Effect<PipelineModule, InvalidConfig> =>
  Effect.gen(function*() {
    const pipeline = exports["pipeline"] as Partial<Pipeline<unknown, unknown>> | undefined
    if (pipeline == null || typeof pipeline.keysOf !== "function" || typeof pipeline.name !== "string") {
      return yield* Effect.fail(invalid("pipeline", "the module must export `pipeline`, built with `pipeline({...})` or `definePipeline`"))
    }
    const decoder = exports["decoder"] as Partial<Decoder<unknown>> | undefined
    if (decoder == null || typeof decoder.decode !== "function") {
      return yield* Effect.fail(invalid("decoder", "the module must export `decoder`, e.g. `jsonDecoder(MySchema)`"))
    }
    return {
      pipeline: pipeline as Pipeline<unknown, unknown>,
      decoder: decoder as Decoder<unknown>,
      stream: yield* optionalString(exports, "stream"),
      app: yield* optionalString(exports, "app")
    }
  })

/**
 * Imports a module by path (relative to the working directory) and checks its exports. TypeScript
 * modules load when the CLI runs under `tsx`.
 */
export const loadPipelineModule = (path: string): Effect.Effect<PipelineModule, InvalidConfig> =>
  Effect.tryPromise({
    try: () => import(pathToFileURL(resolve(path)).href) as Promise<Record<string, unknown>>,
    catch: (cause) => invalid("module", `could not import ${path}: ${cause instanceof Error ? cause.message : String(cause)}`)
  }).pipe(Effect.flatMap(pipelineModuleFrom))
