/**
 * The command line's own errors. They are not library errors: the library entry does not export them.
 */
import * as Data from "effect/Data"
import type { LocalServerFailed } from "../local/LocalServerFailed.js"

/**
 * The command line could not be understood; `usage` is the help text to show with it.
 *
 * @example
 * Either.left(new InvalidArguments({ message: "unknown flag --x", usage }))
 */
export class InvalidArguments extends Data.TaggedError("InvalidArguments")<{
  readonly message: string
  readonly usage: string
}> {}

/**
 * The demo could not finish: a local server did not start (`server`), the drivers did not catch
 * up before the deadline (`timeout`), or the totals read back differ from those produced (`mismatch`).
 *
 * @example
 * Effect.fail(new DemoFailed({ reason: "timeout", message: "the drivers did not catch up" }))
 */
export class DemoFailed extends Data.TaggedError("DemoFailed")<{
  readonly reason: "server" | "timeout" | "mismatch"
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * A local server that did not start, as the demo reports it.
 *
 * @example
 * const kinesis = yield* Effect.mapError(startKinesalite, serverFailed)
 */
export const serverFailed = (cause: LocalServerFailed): DemoFailed =>
  new DemoFailed({ reason: "server", message: cause.message, cause })

/**
 * A command needs an optional peer dependency that is not installed; `message` names the install command.
 *
 * @example
 * Effect.fail(new MissingPackage({ packages: ["kinesalite"], message: "murmur demo needs kinesalite: npm install -D kinesalite" }))
 */
export class MissingPackage extends Data.TaggedError("MissingPackage")<{
  readonly packages: ReadonlyArray<string>
  readonly message: string
}> {}

/**
 * A port the command was asked to listen on is taken; checked before any work starts.
 *
 * @example
 * Effect.fail(new PortTaken({ port: 8787, message: "port 8787 (the query API) is taken on 127.0.0.1: ..." }))
 */
export class PortTaken extends Data.TaggedError("PortTaken")<{
  readonly port: number
  readonly message: string
}> {}
