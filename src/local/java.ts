import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"

/**
 * Whether a Java runtime answers `java -version` (DynamoDB Local needs one). Never fails: no
 * Java, or one that errors, is `false`.
 *
 * @example
 * if (yield* javaAvailable) yield* startDynamoDbLocal
 */
export const javaAvailable: Effect.Effect<boolean> = Effect.async<boolean>((resume) => {
  const child = execFile("java", ["-version"], { timeout: 10_000 }, (error) => resume(Effect.succeed(error === null)))
  return Effect.sync(() => child.kill())
})
