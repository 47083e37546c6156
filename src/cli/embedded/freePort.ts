import { createServer } from "node:net"
import { Effect } from "effect"

/** A port the OS says is free on 127.0.0.1 right now (the server it briefly opened is closed). */
export const freePort: Effect.Effect<number, Error> = Effect.async<number, Error>((resume) => {
  const server = createServer()
  server.once("error", (error) => resume(Effect.fail(error)))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})
