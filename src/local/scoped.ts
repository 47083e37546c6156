import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
/** A value started in its own scope, and the way to close that scope from promise-based code. */
export type Started<A> = A & {
  /** Closes the scope: stops the server and releases what it opened. */
  readonly close: () => Promise<void>
}

/**
 * Runs a scoped starter (`startDynamoDbLocal`, `startKinesalite`, `startRedis`) in a fresh scope
 * for promise-based code (vitest hooks, benches): resolves to its value plus `close`. A failed
 * start closes the scope at once and rejects with the typed error.
 *
 * @example
 * const kinesis = await startScoped(startKinesalite)
 * try { await kinesis.client.send(new ListStreamsCommand({})) } finally { await kinesis.close() }
 */
export const startScoped = async <A extends object, E>(start: Effect.Effect<A, E, Scope.Scope>): Promise<Started<A>> => {
  const scope = Effect.runSync(Scope.make())
  const exit = await Effect.runPromiseExit(Scope.extend(start, scope))
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, exit))
    throw Cause.squash(exit.cause)
  }
  return { ...exit.value, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
