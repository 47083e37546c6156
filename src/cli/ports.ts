/** Ports the CLI listens on are checked before the work starts, so a taken one is named at once. */
import * as Effect from "effect/Effect"
import { createServer } from "node:net"
import { PortTaken } from "./errors.js"

/** Why listening on 127.0.0.1:`port` fails right now (`EADDRINUSE`, `EACCES`, ...), or undefined when it would work. */
const listenError = (port: number): Effect.Effect<string | undefined> =>
  Effect.async((resume) => {
    const server = createServer()
    server.once("error", (error: NodeJS.ErrnoException) => resume(Effect.succeed(error.code ?? error.message)))
    server.listen(port, "127.0.0.1", () => server.close(() => resume(Effect.succeed(undefined))))
  })

/**
 * Fails with `PortTaken` when 127.0.0.1:`port` cannot be listened on; `what` names the server and
 * `flag` the option that moves it. Port 0 (a free one) always passes.
 *
 * @example
 * yield* ensurePortFree(8787, "the query API", "--port")
 */
export const ensurePortFree = (port: number, what: string, flag: string): Effect.Effect<void, PortTaken> =>
  port === 0
    ? Effect.void
    : Effect.flatMap(listenError(port), (code) =>
      code === undefined
        ? Effect.void
        : Effect.fail(new PortTaken({
          port,
          message: code === "EADDRINUSE"
            ? `port ${port} (${what}) is taken on 127.0.0.1: stop what listens there, or pass ${flag} N (0 picks a free port)`
            : `cannot listen on 127.0.0.1:${port} (${what}): ${code}; pass ${flag} N (0 picks a free port)`
        })))
