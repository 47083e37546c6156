/** The environment `murmur run` reads. */
import * as Config from "effect/Config"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { InvalidConfig } from "../errors.js"

/** Where `run` reads from and writes to. */
export interface RunEnvironment {
  readonly region: string | undefined
  readonly stream: string | undefined
  readonly app: string | undefined
  readonly checkpointsTable: string
  readonly claimsTable: string | undefined
  readonly startingPosition: "LATEST" | "TRIM_HORIZON"
  readonly dynamodbEndpoint: string | undefined
  readonly kinesisEndpoint: string | undefined
}

/** The checkpoints table when `MURMUR_CHECKPOINTS_TABLE` is not set. */
export const defaultCheckpointsTable = "murmur-checkpoints"

const optional = (name: string) => Config.option(Config.nonEmptyString(name)).pipe(Config.map(Option.getOrUndefined))

/**
 * `MURMUR_REGION` (else `AWS_REGION`), `MURMUR_STREAM`, `MURMUR_APP`, `MURMUR_CHECKPOINTS_TABLE`,
 * `MURMUR_CLAIMS_TABLE`, `MURMUR_STARTING_POSITION`, `MURMUR_DYNAMODB_ENDPOINT`, `MURMUR_KINESIS_ENDPOINT`.
 */
export const runEnvironment: Config.Config<RunEnvironment> = Config.all({
  region: Config.option(Config.nonEmptyString("MURMUR_REGION").pipe(Config.orElse(() => Config.nonEmptyString("AWS_REGION")))).pipe(
    Config.map(Option.getOrUndefined)
  ),
  stream: optional("MURMUR_STREAM"),
  app: optional("MURMUR_APP"),
  checkpointsTable: Config.nonEmptyString("MURMUR_CHECKPOINTS_TABLE").pipe(Config.withDefault(defaultCheckpointsTable)),
  claimsTable: optional("MURMUR_CLAIMS_TABLE"),
  startingPosition: Config.literal("LATEST", "TRIM_HORIZON")("MURMUR_STARTING_POSITION").pipe(Config.withDefault("LATEST" as const)),
  dynamodbEndpoint: optional("MURMUR_DYNAMODB_ENDPOINT"),
  kinesisEndpoint: optional("MURMUR_KINESIS_ENDPOINT")
})

/** The stream to read: the module's, else `MURMUR_STREAM`. */
export const streamOf = (moduleStream: string | undefined, env: RunEnvironment): Either.Either<string, InvalidConfig> => {
  const stream = moduleStream ?? env.stream
  return stream === undefined
    ? Either.left(new InvalidConfig({ field: "stream", message: "name the stream: export `stream` from the module or set MURMUR_STREAM" }))
    : Either.right(stream)
}
