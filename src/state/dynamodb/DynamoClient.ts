import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { NodeHttpHandler } from "@smithy/node-http-handler"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { DynamoStateConfig } from "./config.js"
import { dynamoStateConfigFromEnv } from "./config.js"


/**
 * Builds a client: SDK retries off by default (the processor retries with full jitter; see
 * docs/dynamodb.md), a 5 s request timeout and a 1 s connection timeout so a stuck socket cannot
 * eat a Lambda's deadline.
 */
export const makeDynamoClient = (config: Omit<DynamoStateConfig, "client">): DynamoDBClient =>
  new DynamoDBClient({
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    maxAttempts: Math.max(1, config.sdkMaxAttempts ?? 1),
    requestHandler: new NodeHttpHandler({
      requestTimeout: config.requestTimeoutMs ?? 5_000,
      connectionTimeout: 1_000,
      // Without it the SDK only warns when the timeout passes, and a hung call hangs the batch.
      throwOnRequestTimeout: true
    })
  })

/**
 * The DynamoDB client the state layers use, as a service, so tests and users can provide one with
 * their own middleware (fault injection, request counting, tracing).
 *
 * @example
 * DynamoState.layer({ checkpointsTable: "checkpoints" }).pipe(Layer.provide(DynamoClient.layer({ region: "eu-west-1" })))
 */
export class DynamoClient extends Context.Tag("murmur/DynamoClient")<DynamoClient, DynamoDBClient>() {
  /**
   * The client from explicit config: `config.client` as given (never destroyed here), else a new
   * client destroyed when the layer's scope closes.
   *
   * @example
   * const client = DynamoClient.layer({ region: "eu-west-1" })
   */
  static readonly layer = (config: DynamoStateConfig): Layer.Layer<DynamoClient> =>
    config.client !== undefined
      ? Layer.succeed(DynamoClient, config.client)
      : Layer.scoped(
        DynamoClient,
        Effect.acquireRelease(Effect.sync(() => makeDynamoClient(config)), (client) => Effect.sync(() => client.destroy()))
      )

  /**
   * The client from `MURMUR_REGION`/`AWS_REGION` and `MURMUR_DYNAMODB_ENDPOINT`.
   *
   * @example
   * Layer.provide(DynamoStore.layer(), DynamoClient.layerFromEnv)
   */
  static readonly layerFromEnv: Layer.Layer<DynamoClient, ConfigError.ConfigError> = Layer.unwrapEffect(
    Effect.map(dynamoStateConfigFromEnv, (config) => DynamoClient.layer(config))
  )
}
