import { KinesisClient } from "@aws-sdk/client-kinesis"
import { NodeHttpHandler } from "@smithy/node-http-handler"
import { Effect, type Scope } from "effect"
import type { AddressInfo } from "node:net"
// kinesalite ships no types: see src/types/kinesalite.d.ts.
import kinesalite from "kinesalite"
import { DemoFailed } from "../../errors.js"
import { localCredentials, localRegion } from "./credentials.js"

/** An in-process kinesalite and a client for it, both closed with the scope. */
export interface EmbeddedKinesis {
  readonly endpoint: string
  readonly client: KinesisClient
}

/**
 * A Kinesis client for a local endpoint: HTTP/1.1 through `NodeHttpHandler` (kinesalite speaks
 * nothing else) with a request timeout, since a kinesalite request can hang (AT_TIMESTAMP on an
 * empty shard).
 */
export const localKinesisClient = (endpoint: string): KinesisClient =>
  new KinesisClient({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    requestHandler: new NodeHttpHandler({ requestTimeout: 10_000, connectionTimeout: 5_000, throwOnRequestTimeout: true })
  })

const listen = Effect.acquireRelease(
  Effect.async<ReturnType<typeof kinesalite>, DemoFailed>((resume) => {
    // Instant stream operations: the demo creates its stream and uses it at once.
    const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 })
    server.once("error", (cause) =>
      resume(Effect.fail(new DemoFailed({ reason: "server", message: `kinesalite did not start: ${String(cause)}`, cause }))))
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.async<void>((resume) => {
      // Keep-alive sockets would hold `close` open: drop them.
      server.closeAllConnections?.()
      server.close(() => resume(Effect.void))
    })
)

/**
 * Starts kinesalite in this process on a free 127.0.0.1 port for the life of the scope.
 *
 * @example
 * const { client } = yield* startKinesalite
 */
export const startKinesalite: Effect.Effect<EmbeddedKinesis, DemoFailed, Scope.Scope> = Effect.gen(function*() {
  const server = yield* listen
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = yield* Effect.acquireRelease(
    Effect.sync(() => localKinesisClient(endpoint)),
    (client) => Effect.sync(() => client.destroy())
  )
  return { endpoint, client }
})
