import * as Effect from "effect/Effect"
import type { StoreError } from "../../errors.js"
import { spanNames, withSpanWhenTraced } from "../../tracing/spans.js"
import { toStoreError } from "../storeErrors.js"

/**
 * Runs one DynamoDB call as an Effect: interruption aborts the HTTP request (pass `signal` as the
 * SDK's `abortSignal`), and every failure becomes a classified `StoreError` whose `cause` is the
 * SDK error, which the commit paths inspect.
 *
 * @example
 * send("GetItem", (abortSignal) => client.send(new GetItemCommand(input), { abortSignal }))
 */
export const send = <A>(operation: string, run: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, StoreError> =>
  Effect.tryPromise({ try: run, catch: (cause) => toStoreError(operation, cause) }).pipe(
    // One client span per request, when traces are exported.
    withSpanWhenTraced(`${spanNames.dynamodb}${operation}`, {
      kind: "client",
      attributes: { "db.system": "dynamodb", "db.operation": operation },
      captureStackTrace: false
    })
  )
