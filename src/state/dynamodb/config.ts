import * as Config from "effect/Config"
import * as Option from "effect/Option"
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import type { RetryPolicy } from "../../retry/index.js"

/**
 * How the DynamoDB state layers reach DynamoDB. Aggregate table names are not here: they come
 * from each pipeline's `store`.
 */
export interface DynamoStateConfig {
  /** Use this client as is (its retries, timeouts and middleware); the layers never destroy it. */
  readonly client?: DynamoDBClient
  readonly region?: string
  /** e.g. `http://127.0.0.1:8000` for DynamoDB Local. */
  readonly endpoint?: string
  /** Dedup claims of the `claims` strategy; without it a Claims commit fails (not transient). */
  readonly claimsTable?: string
  /** Shard checkpoints of the polling consumer. */
  readonly checkpointsTable?: string
  /** Strongly consistent `get`/`getMany` (twice the read units). Default false. */
  readonly consistentReads?: boolean
  /**
   * Attempts per request inside the SDK (only for clients built here). Default 1: the processor
   * already retries with full jitter, and nested retries multiply latency inside a Lambda.
   */
  readonly sdkMaxAttempts?: number
  /** Per-request socket timeout of clients built here. Default 5000 ms. */
  readonly requestTimeoutMs?: number
  /**
   * Bound and backoff for compare-and-swap conflicts. Default 8 attempts, 20 ms base, 1 s cap.
   * They nest inside the processor's attempts: 3 × 8 = 24 conditional writes per row at most, by
   * default (see `src/retry`).
   */
  readonly conflictRetry?: Partial<RetryPolicy>
}

const optional = (name: string) => Config.option(Config.nonEmptyString(name))

/**
 * The configuration from the environment: `MURMUR_REGION` (else `AWS_REGION`),
 * `MURMUR_DYNAMODB_ENDPOINT`, `MURMUR_CLAIMS_TABLE`, `MURMUR_CHECKPOINTS_TABLE`. All optional.
 */
export const dynamoStateConfigFromEnv: Config.Config<DynamoStateConfig> = Config.all({
  region: Config.option(Config.nonEmptyString("MURMUR_REGION").pipe(Config.orElse(() => Config.nonEmptyString("AWS_REGION")))),
  endpoint: optional("MURMUR_DYNAMODB_ENDPOINT"),
  claimsTable: optional("MURMUR_CLAIMS_TABLE"),
  checkpointsTable: optional("MURMUR_CHECKPOINTS_TABLE")
}).pipe(
  Config.map((values) => {
    const config: { -readonly [K in keyof DynamoStateConfig]: DynamoStateConfig[K] } = {}
    if (Option.isSome(values.region)) config.region = values.region.value
    if (Option.isSome(values.endpoint)) config.endpoint = values.endpoint.value
    if (Option.isSome(values.claimsTable)) config.claimsTable = values.claimsTable.value
    if (Option.isSome(values.checkpointsTable)) config.checkpointsTable = values.checkpointsTable.value
    return config
  })
)
