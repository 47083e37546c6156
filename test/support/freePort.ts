import { Effect } from "effect"
import { freePort as freePortEffect } from "../../src/cli/embedded/freePort.js"

/** A port the OS says is free on 127.0.0.1 right now (the demo's helper, for promise-based setup). */
export const freePort = (): Promise<number> => Effect.runPromise(freePortEffect)
