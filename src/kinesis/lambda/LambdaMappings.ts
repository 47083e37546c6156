import type { LambdaClient } from "@aws-sdk/client-lambda"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
// The SDK client is loaded when a look-up runs, not when the handler is imported: with the SDK
// external (as the Lambda runtime provides it), importing it costs about as much as the rest of
// the handler's cold start (bench/coldStart.bench.ts), and a handler that never checks never pays.
const loadClient = () => import("@aws-sdk/client-lambda")

/** What the handler needs to know of one event-source mapping of its function. */
export interface EventSourceMapping {
  /** The stream's ARN, or an enhanced fan-out consumer's (`<stream ARN>/consumer/<name>:<ts>`). */
  readonly eventSourceArn: string
  /** Concurrent batches per shard, 1–10 (Lambda's default 1 when absent). */
  readonly parallelizationFactor: number
  /** `Enabled`, `Disabled`, `Creating`, … as Lambda reports it. */
  readonly state: string
}

/**
 * `ListEventSourceMappings` failed: no permission (`lambda:ListEventSourceMappings`), the API
 * unreachable, throttled, or the call timed out. `errorName` is the SDK error's name.
 */
export class LambdaApiError extends Data.TaggedError("LambdaApiError")<{
  readonly errorName: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** Reads a function's event-source mappings (the Lambda control-plane API). */
export interface LambdaMappingsService {
  readonly list: (functionName: string) => Effect.Effect<ReadonlyArray<EventSourceMapping>, LambdaApiError>
}

const toApiError = (cause: unknown): LambdaApiError => {
  const error = typeof cause === "object" && cause !== null ? (cause as { name?: unknown; message?: unknown }) : {}
  return new LambdaApiError({
    errorName: typeof error.name === "string" ? error.name : "UnknownError",
    message: typeof error.message === "string" ? error.message : String(cause),
    cause
  })
}

// Lambda pages mappings 100 at a time; a function has few, so a small bound is plenty.
const maxPages = 20

/** The service over an SDK client: every page of `ListEventSourceMappings` for the function. */
export const makeLambdaMappings = (client: LambdaClient): LambdaMappingsService => ({
  list: (functionName) =>
    Effect.gen(function*() {
      const mappings: Array<EventSourceMapping> = []
      let marker: string | undefined
      const { ListEventSourceMappingsCommand } = yield* Effect.tryPromise({ try: loadClient, catch: toApiError })
      for (let page = 0; page < maxPages; page++) {
        const output = yield* Effect.tryPromise({
          try: (abortSignal) =>
            client.send(
              new ListEventSourceMappingsCommand({ FunctionName: functionName, ...(marker ? { Marker: marker } : {}) }),
              { abortSignal }
            ),
          catch: toApiError
        })
        for (const mapping of output.EventSourceMappings ?? []) {
          if (mapping.EventSourceArn === undefined) continue
          mappings.push({
            eventSourceArn: mapping.EventSourceArn,
            parallelizationFactor: mapping.ParallelizationFactor ?? 1,
            state: mapping.State ?? "Enabled"
          })
        }
        marker = output.NextMarker ?? undefined
        if (!marker) break
      }
      return mappings
    })
})

/** Options of the live layer. */
export interface LambdaMappingsConfig {
  /** Use this client as is (never destroyed here); otherwise one is built from `region` / the environment. */
  readonly client?: LambdaClient | undefined
  readonly region?: string | undefined
}

/**
 * The live service: an SDK client with one attempt and a 1 s connect / 2 s request timeout (the
 * caller bounds the whole look-up too), destroyed with the layer's scope when built here.
 *
 * @example
 * kinesisHandler(pageViews, decoder, { layer: Layer.merge(defaultLayer(), LambdaMappings.layer({ region: "eu-west-1" })) })
 */
const layer = (config: LambdaMappingsConfig = {}): Layer.Layer<LambdaMappings, LambdaApiError> =>
  config.client !== undefined
    ? Layer.succeed(LambdaMappings, makeLambdaMappings(config.client))
    : Layer.scoped(
      LambdaMappings,
      Effect.map(
        Effect.acquireRelease(
          Effect.tryPromise({
            try: async () => {
              const [{ LambdaClient }, { NodeHttpHandler }] = await Promise.all([loadClient(), import("@smithy/node-http-handler")])
              return new LambdaClient({
                ...(config.region === undefined ? {} : { region: config.region }),
                maxAttempts: 1,
                requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true })
              })
            },
            catch: toApiError
          }),
          (client) => Effect.sync(() => client.destroy())
        ),
        makeLambdaMappings
      )
    )

/**
 * A service answering from a fixed list (or failing with the given error), for tests and local runs.
 *
 * @example
 * LambdaMappings.layerMemory([{ eventSourceArn: streamArn, parallelizationFactor: 2, state: "Enabled" }])
 */
const layerMemory = (answer: ReadonlyArray<EventSourceMapping> | LambdaApiError): Layer.Layer<LambdaMappings> =>
  Layer.succeed(LambdaMappings, {
    list: () => (answer instanceof LambdaApiError ? Effect.fail(answer) : Effect.succeed(answer))
  })

/**
 * The Lambda API the handler uses at cold start to read its mapping's `ParallelizationFactor`:
 * `LambdaMappings.layer()` (live) or `LambdaMappings.layerMemory(mappings)`.
 *
 * @example
 * const mappings = yield* LambdaMappings
 * const list = yield* mappings.list(process.env.AWS_LAMBDA_FUNCTION_NAME!)
 */
export class LambdaMappings extends Context.Tag("murmur/LambdaMappings")<LambdaMappings, LambdaMappingsService>() {
  static readonly layer = layer
  static readonly layerMemory = layerMemory
}
