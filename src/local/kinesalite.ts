import { KinesisClient } from "@aws-sdk/client-kinesis"
import { NodeHttpHandler } from "@smithy/node-http-handler"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { AddressInfo } from "node:net"
// kinesalite ships no types: see src/types/kinesalite.d.ts.
import kinesalite from "kinesalite"
import { localCredentials, localRegion } from "./credentials.js"
import { LocalServerFailed } from "./LocalServerFailed.js"

/** An in-process kinesalite and a client for it, both closed with the scope (do not destroy `client` yourself). */
export interface LocalKinesis {
  readonly endpoint: string
  readonly client: KinesisClient
}

/**
 * A Kinesis client for a local endpoint: HTTP/1.1 through `NodeHttpHandler` (kinesalite speaks
 * nothing else) with a request timeout, since a kinesalite request can hang (AT_TIMESTAMP on an
 * empty shard).
 *
 * @example
 * const client = localKinesisClient(kinesis.endpoint)
 */
export const localKinesisClient = (endpoint: string): KinesisClient =>
  new KinesisClient({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    requestHandler: new NodeHttpHandler({ requestTimeout: 10_000, connectionTimeout: 5_000, throwOnRequestTimeout: true })
  })

const listen = (port: number) => Effect.acquireRelease(
  Effect.async<ReturnType<typeof kinesalite>, LocalServerFailed>((resume) => {
    // Instant stream operations: callers create a stream and use it at once. Room for the many
    // streams a test run creates in one server.
    const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 })
    server.once("error", (cause) =>
      resume(Effect.fail(new LocalServerFailed({ server: "kinesalite", message: `kinesalite did not start: ${String(cause)}`, cause }))))
    server.listen(port, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.async<void>((resume) => {
      // Keep-alive sockets would hold `close` open: drop them.
      server.closeAllConnections?.()
      server.close(() => resume(Effect.void))
    })
)

/**
 * Starts kinesalite in this process on a given 127.0.0.1 port (0: a free one) for the life of the scope.
 *
 * @example
 * const { endpoint } = yield* startKinesaliteOn(4567) // murmur local --kinesis-port 4567
 */
export const startKinesaliteOn = (port: number): Effect.Effect<LocalKinesis, LocalServerFailed, Scope.Scope> => Effect.gen(function*() {
  const server = yield* listen(port)
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = yield* Effect.acquireRelease(
    Effect.sync(() => localKinesisClient(endpoint)),
    (client) => Effect.sync(() => client.destroy())
  )
  return { endpoint, client }
})

/**
 * Starts kinesalite in this process on a free 127.0.0.1 port for the life of the scope.
 *
 * @example
 * const { client } = yield* startKinesalite
 */
export const startKinesalite: Effect.Effect<LocalKinesis, LocalServerFailed, Scope.Scope> = startKinesaliteOn(0)
