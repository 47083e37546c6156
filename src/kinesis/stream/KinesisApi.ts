import {
  GetRecordsCommand,
  type GetRecordsCommandInput,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  KinesisClient as SdkKinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
  type ListShardsCommandOutput
} from "@aws-sdk/client-kinesis"
import { NodeHttpHandler } from "@smithy/node-http-handler"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { KinesisError } from "../../errors.js"

/** Options of the client layer; each falls back to the environment. */
export interface KinesisClientOptions {
  /** Default `AWS_REGION`, else `us-east-1`. */
  readonly region?: string
  /** Default `KINESIS_ENDPOINT` (kinesalite, LocalStack), else AWS. */
  readonly endpoint?: string
  /** Per-request timeout. Default 10 s (a hung request must not stall a shard forever). */
  readonly requestTimeoutMs?: number
}

/**
 * The AWS SDK Kinesis client the consumer talks through, as a service.
 *
 * @example
 * const live = KinesisApi.layer.pipe(Layer.provide(KinesisClient.layer({ endpoint: "http://127.0.0.1:4567" })))
 */
export class KinesisClient extends Context.Tag("murmur/KinesisClient")<KinesisClient, SdkKinesisClient>() {
  /**
   * A client over HTTP/1.1 (`NodeHttpHandler`: kinesalite speaks nothing else) with a request
   * timeout, destroyed when the layer's scope closes.
   *
   * @example
   * KinesisClient.layer({ region: "eu-west-1" })
   */
  static readonly layer = (options: KinesisClientOptions = {}): Layer.Layer<KinesisClient> =>
    Layer.scoped(
      KinesisClient,
      Effect.gen(function*() {
        const region = options.region ?? (yield* Config.string("AWS_REGION").pipe(Config.withDefault("us-east-1")))
        const endpoint = options.endpoint ?? Option.getOrUndefined(yield* Config.option(Config.string("KINESIS_ENDPOINT")))
        return yield* Effect.acquireRelease(
          Effect.sync(() =>
            new SdkKinesisClient({
              region,
              ...(endpoint !== undefined ? { endpoint } : {}),
              requestHandler: new NodeHttpHandler({ requestTimeout: options.requestTimeoutMs ?? 10_000, connectionTimeout: 5_000, throwOnRequestTimeout: true })
            })
          ),
          (client) => Effect.sync(() => client.destroy())
        )
      }).pipe(Effect.orDie)
    )

  /**
   * Wraps a client the caller owns (and destroys).
   *
   * @example
   * KinesisClient.layerClient(new KinesisClient({ region: "eu-west-1" }))
   */
  static readonly layerClient = (client: SdkKinesisClient): Layer.Layer<KinesisClient> => Layer.succeed(KinesisClient, client)
}

/** The three Kinesis calls the consumer makes, as Effects with classified errors. */
export interface KinesisApiService {
  readonly listShards: (input: ListShardsCommandInput) => Effect.Effect<ListShardsCommandOutput, KinesisError>
  readonly getShardIterator: (input: GetShardIteratorCommandInput) => Effect.Effect<string, KinesisError>
  readonly getRecords: (input: GetRecordsCommandInput) => Effect.Effect<GetRecordsCommandOutput, KinesisError>
}

/**
 * The consumer's view of Kinesis: `KinesisApi.layer` calls the SDK client in `KinesisClient`;
 * tests can give a scripted one with `Layer.succeed(KinesisApi, ...)`.
 *
 * @example
 * runConsumer(pipeline, decoder, config).pipe(Effect.provide(KinesisApi.layer.pipe(Layer.provide(KinesisClient.layer()))))
 */
export class KinesisApi extends Context.Tag("murmur/KinesisApi")<KinesisApi, KinesisApiService>() {
  /**
   * `KinesisApi` over the SDK client in `KinesisClient`.
   *
   * @example
   * KinesisApi.layer.pipe(Layer.provide(KinesisClient.layerClient(client)))
   */
  static readonly layer: Layer.Layer<KinesisApi, never, KinesisClient> = Layer.effect(
    KinesisApi,
    Effect.map(KinesisClient, (client) => ({
      listShards: (input) => call("ListShards", (abortSignal) => client.send(new ListShardsCommand(input), { abortSignal })),
      getShardIterator: (input) =>
        call("GetShardIterator", (abortSignal) => client.send(new GetShardIteratorCommand(input), { abortSignal })).pipe(
          Effect.flatMap((output) =>
            output.ShardIterator === undefined
              ? Effect.fail(classifyKinesisError("GetShardIterator", new Error("no ShardIterator in the response")))
              : Effect.succeed(output.ShardIterator)
          )
        ),
      getRecords: (input) => call("GetRecords", (abortSignal) => client.send(new GetRecordsCommand(input), { abortSignal }))
    }))
  )
}

const throttlingNames = new Set([
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "ThrottlingException",
  "KMSThrottlingException"
])

/** Sorts an SDK error into how the consumer reacts to it. */
export const classifyKinesisError = (operation: string, cause: unknown): KinesisError => {
  const name = cause instanceof Error ? cause.name : ""
  const message = cause instanceof Error ? cause.message : String(cause)
  const reason = name === "ExpiredIteratorException"
    ? "expired-iterator"
    : throttlingNames.has(name)
    ? "throttled"
    : "other"
  return new KinesisError({ operation, reason, message: `${operation}: ${name || "error"}: ${message}`, cause })
}

/** Sends a command; interrupting the Effect aborts the HTTP request. */
const call = <A>(operation: string, send: (signal: AbortSignal) => Promise<A>) =>
  Effect.tryPromise({ try: send, catch: (cause) => classifyKinesisError(operation, cause) })
