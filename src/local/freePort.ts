import * as Effect from "effect/Effect"
import { createServer } from "node:net"
import { LocalServerFailed } from "./LocalServerFailed.js"

/**
 * A port the OS says is free on 127.0.0.1 right now (the server it briefly opened is closed).
 *
 * @example
 * const port = yield* freePort
 */
export const freePort: Effect.Effect<number, LocalServerFailed> = Effect.async<number, LocalServerFailed>((resume) => {
  const server = createServer()
  server.once("error", (cause) => resume(Effect.fail(new LocalServerFailed({ server: "port", message: `no free port: ${cause.message}`, cause }))))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})
