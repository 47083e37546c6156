/**
 * Loads a user's pipeline module for `run`, `produce`, `query` and `local`. It takes the module as
 * the README writes it: `pipeline` may be built with `pipeline({...})` or be the `Either` that
 * `definePipeline` returns, and a module with one pipeline and one decoder under other names works
 * too. What it cannot use, it names with the fix.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { existsSync } from "node:fs"
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
 * export const decoder = schemaDecoder(PageView)
 * export const stream = "clicks"
 */
export interface PipelineModule {
  readonly pipeline: Pipeline<unknown, unknown>
  readonly decoder: Decoder<unknown>
  readonly stream?: string | undefined
  readonly app?: string | undefined
}

const invalid = (field: string, message: string) => new InvalidConfig({ field, message })

const isPipeline = (value: unknown): value is Pipeline<unknown, unknown> =>
  typeof value === "object" && value !== null && typeof (value as Partial<Pipeline<unknown, unknown>>).keysOf === "function" &&
  typeof (value as Partial<Pipeline<unknown, unknown>>).name === "string"

const isDecoder = (value: unknown): value is Decoder<unknown> =>
  typeof value === "object" && value !== null && typeof (value as Partial<Decoder<unknown>>).decode === "function"

/** A pipeline, or `definePipeline`'s answer: `Either.right(pipeline)`, or the `Either.left` naming what is wrong. */
const asPipeline = (value: unknown): Either.Either<Pipeline<unknown, unknown>, string> | undefined => {
  if (isPipeline(value)) return Either.right(value)
  if (!Either.isEither(value)) return undefined
  if (Either.isRight(value)) return isPipeline(value.right) ? Either.right(value.right) : undefined
  const error = value.left as { readonly message?: unknown }
  return Either.left(typeof error?.message === "string" ? error.message : String(value.left))
}

/** The export named `name`, else the only export that fits; the error names the candidates. */
const pick = <A>(
  exports: Record<string, unknown>,
  name: string,
  fits: (value: unknown) => A | undefined,
  what: string
): Either.Either<A, InvalidConfig> => {
  const named = fits(exports[name])
  if (named !== undefined) return Either.right(named)
  if (exports[name] !== undefined) return Either.left(invalid(name, `the module's \`${name}\` export is not ${what}`))
  const candidates = Object.entries(exports).flatMap(([key, value]) => {
    const fit = fits(value)
    return fit === undefined ? [] : [[key, fit] as const]
  })
  if (candidates.length === 1) return Either.right(candidates[0]![1])
  return Either.left(invalid(
    name,
    candidates.length === 0
      ? `the module must export \`${name}\`: ${what}`
      : `the module exports several (${candidates.map(([key]) => key).join(", ")}): export the one to use as \`${name}\``
  ))
}

const optionalString = (exports: Record<string, unknown>, name: string): Either.Either<string | undefined, InvalidConfig> => {
  const value = exports[name]
  if (value === undefined) return Either.right(undefined)
  return typeof value === "string" && value.trim() !== ""
    ? Either.right(value)
    : Either.left(invalid(name, `the module's \`${name}\` export must be a non-empty string`))
}

/**
 * Checks a module's exports: a pipeline (built, or `definePipeline`'s `Either`), a decoder, and
 * optional stream and app names.
 *
 * @example
 * const module = yield* pipelineModuleFrom({ pipeline: definePipeline({...}), decoder: schemaDecoder(PageView) })
 */
export const pipelineModuleFrom = (exports: Record<string, unknown>): Effect.Effect<PipelineModule, InvalidConfig> =>
  Effect.gen(function*() {
    const built = yield* pick(exports, "pipeline", asPipeline, "a pipeline, built with `pipeline({...})` or `definePipeline({...})`")
    if (Either.isLeft(built)) return yield* Effect.fail(invalid("pipeline", `the module's pipeline is not valid: ${built.left}`))
    const decoder = yield* pick(exports, "decoder", (value) => (isDecoder(value) ? value : undefined), "a decoder, e.g. `schemaDecoder(MySchema)`")
    return {
      pipeline: built.right,
      decoder,
      stream: yield* optionalString(exports, "stream"),
      app: yield* optionalString(exports, "app")
    }
  })

const isTypeScript = (path: string) => /\.[cm]?tsx?$/.test(path)

const codeOf = (cause: unknown): unknown => (typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined)

// How Node.js says it could not load TypeScript by itself (not: the module ran and threw).
const typeScriptNotLoaded = new Set([
  "ERR_UNKNOWN_FILE_EXTENSION", // Node.js 20, or 22 before type stripping
  "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX", // enums, parameter properties, ...
  "ERR_INVALID_TYPESCRIPT_SYNTAX",
  "ERR_MODULE_NOT_FOUND" // `./events.js` written for `./events.ts`, which only a TypeScript resolver maps
])

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/**
 * Imports a module. A TypeScript module this Node.js cannot load by itself (Node.js 20, or syntax
 * and imports that type stripping does not handle) goes through tsx when it is installed.
 */
const importModule = async (path: string): Promise<Record<string, unknown>> => {
  const file = resolve(path)
  if (!existsSync(file)) throw new Error(`no such file: ${file}`)
  const url = pathToFileURL(file).href
  try {
    return await import(url)
  } catch (cause) {
    if (!isTypeScript(path) || !typeScriptNotLoaded.has(String(codeOf(cause)))) throw cause
    // tsx is an optional peer dependency: without it, the error below names the fix.
    const tsx = await import("tsx/esm/api").catch(() => undefined)
    if (tsx === undefined) {
      throw new Error(
        `${describe(cause)}. To load a TypeScript module, install tsx (npm install --save-dev tsx), ` +
          "use Node.js 22.18+ with erasable syntax only, or compile the module and pass the .js file"
      )
    }
    return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>
  }
}

/**
 * Imports a module by path (relative to the working directory) and checks its exports.
 *
 * @example
 * const { pipeline, decoder } = yield* loadPipelineModule("./pipeline.ts")
 */
export const loadPipelineModule = (path: string): Effect.Effect<PipelineModule, InvalidConfig> =>
  Effect.tryPromise({
    try: () => importModule(path),
    catch: (cause) => invalid("module", `could not import ${path}: ${describe(cause)}`)
  }).pipe(Effect.flatMap(pipelineModuleFrom))
