import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import type { Metrics } from "../../metrics/Metrics.js"
import { layerNoop } from "../../metrics/noop.js"
import { DynamoState } from "../../state/dynamodb/DynamoState.js"
import type { HandlerServices } from "./options.js"

/**
 * The handler's default services: the live DynamoDB state configured from the environment
 * (`AWS_REGION` or `MURMUR_REGION`, `MURMUR_CLAIMS_TABLE`, optional `MURMUR_DYNAMODB_ENDPOINT`)
 * and the given metrics (none by default). Aggregate tables are the pipelines' `store`.
 *
 * @example
 * kinesisHandler(pageViews, decoder, { layer: defaultLayer(layerEffectMetric) })
 */
export const defaultLayer = (
  metrics: Layer.Layer<Metrics> = layerNoop
): Layer.Layer<HandlerServices, ConfigError.ConfigError> => Layer.merge(DynamoState.layerFromEnv, metrics)
