import * as Data from "effect/Data"
/**
 * A local server (DynamoDB Local, kinesalite, redis-server) could not start or did not answer
 * in time. `server` names which; the CLI maps this to its own `DemoFailed`.
 *
 * @example
 * startKinesalite().pipe(Effect.catchTag("LocalServerFailed", (error) => Console.error(error.message)))
 */
export class LocalServerFailed extends Data.TaggedError("LocalServerFailed")<{
  readonly server: "dynamodb-local" | "kinesalite" | "redis" | "port"
  readonly message: string
  readonly cause?: unknown
}> {}
