import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Checkpoints } from "../Checkpoints.js"
import type { Store } from "../Store.js"
import { dynamoStateConfigFromEnv, type DynamoStateConfig } from "./config.js"
import { DynamoCheckpoints } from "./DynamoCheckpoints.js"
import { DynamoClient } from "./DynamoClient.js"
import { DynamoDeduper } from "./DynamoDeduper.js"
import { DynamoStore } from "./DynamoStore.js"
import type { Deduper } from "../Deduper.js"

/** The services `DynamoState.layer(config)` provides, given what the config names. */
export type DynamoStateServices<C extends DynamoStateConfig> =
  | Store
  | DynamoClient
  | (C extends { readonly claimsTable: string } ? Deduper : never)
  | (C extends { readonly checkpointsTable: string } ? Checkpoints : never)

const build = (config: DynamoStateConfig): Layer.Layer<Store | DynamoClient | Deduper | Checkpoints> => {
  const client = DynamoClient.layer(config)
  const deduper = config.claimsTable === undefined ? Layer.empty : DynamoDeduper.layer(config.claimsTable)
  const store = DynamoStore.layer(config).pipe(Layer.provide(deduper))
  const checkpoints = config.checkpointsTable === undefined ? Layer.empty : DynamoCheckpoints.layer(config.checkpointsTable)
  return Layer.mergeAll(store, deduper, checkpoints).pipe(Layer.provideMerge(client)) as Layer.Layer<
    Store | DynamoClient | Deduper | Checkpoints
  >
}

/**
 * Every DynamoDB state service from one config: the `Store`, plus the `Deduper` when
 * `claimsTable` is given and `Checkpoints` when `checkpointsTable` is given, on one client.
 *
 * @example
 * const live = DynamoState.layer({ region: "eu-west-1", claimsTable: "murmur-claims" })
 * // Layer<Store | Deduper | DynamoClient>
 */
const layer = <C extends DynamoStateConfig>(config: C): Layer.Layer<DynamoStateServices<C>> =>
  build(config) as Layer.Layer<DynamoStateServices<C>>

/**
 * The same from the environment (`MURMUR_REGION`/`AWS_REGION`, `MURMUR_DYNAMODB_ENDPOINT`,
 * `MURMUR_CLAIMS_TABLE`, `MURMUR_CHECKPOINTS_TABLE`). The Store uses the claims table when the
 * variable is set; `Checkpoints` is provided only then too, so use `DynamoCheckpoints.layerFromEnv`
 * where it must exist.
 */
const layerFromEnv: Layer.Layer<Store | DynamoClient, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(dynamoStateConfigFromEnv, build)
)

/** The combined DynamoDB state layers. */
export const DynamoState = { layer, layerFromEnv } as const
