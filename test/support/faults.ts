import {
  type DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException
} from "@aws-sdk/client-dynamodb"
import { seededRandom } from "./seeded.js"

/** What a fault before sending looks like: throttling, a 500, or a refused connection. */
export type FaultKind = "throttle" | "server" | "network"

export interface FaultOptions {
  /** Fraction of matching calls that fail, 0–1. */
  readonly rate: number
  /** Seed of the generator deciding which calls fail, so runs repeat. */
  readonly seed: number
  /**
   * Share of faults thrown after the request went through (the write committed but its answer
   * was lost). Default 1/3.
   */
  readonly afterShare?: number
  /** Only these commands (e.g. `["UpdateItemCommand"]`); default every command. */
  readonly commands?: ReadonlyArray<string>
  /** Faults before sending rotate through these. Default all three. */
  readonly kinds?: ReadonlyArray<FaultKind>
}

export interface FaultStats {
  readonly calls: number
  readonly before: number
  readonly after: number
}

export interface FaultInjector {
  readonly stats: () => FaultStats
  /** Changes the failure rate from now on (e.g. 0 to let a final pass through). */
  readonly setRate: (rate: number) => void
  /** Takes the middleware off the client. */
  readonly remove: () => void
}

const metadata = (httpStatusCode: number) => ({ httpStatusCode, attempts: 1, totalRetryDelay: 0 })

const beforeFault = (kind: FaultKind): Error => {
  switch (kind) {
    case "throttle":
      return new ProvisionedThroughputExceededException({ message: "injected throttling", $metadata: metadata(400) })
    case "server":
      return new InternalServerError({ message: "injected 500", $metadata: metadata(500) })
    case "network":
      return Object.assign(new Error("injected: connect ECONNREFUSED"), { code: "ECONNREFUSED" })
  }
}

// A fault after the call is a lost answer: the socket dropped while the response was on its way.
const afterFault = (): Error => Object.assign(new Error("injected: socket hang up"), { code: "ECONNRESET" })

let injectorIds = 0

/**
 * Makes a DynamoDB client fail a chosen, seeded fraction of its calls with the errors DynamoDB
 * and the network really produce: throttling, 500 and refused connections before the request is
 * sent, and reset connections after it was applied. It sits at the front of the middleware stack,
 * so the SDK's own retries never hide a fault from the code under test.
 *
 * @example
 * const faults = injectFaults(client, { rate: 0.2, seed: 42 })
 * // ... run; then faults.setRate(0) for a last clean pass
 */
export const injectFaults = (client: DynamoDBClient, options: FaultOptions): FaultInjector => {
  const random = seededRandom(options.seed)
  const afterShare = options.afterShare ?? 1 / 3
  const only = options.commands === undefined ? undefined : new Set(options.commands)
  const kinds: ReadonlyArray<FaultKind> = options.kinds ?? ["throttle", "server", "network"]
  const name = `murmurFaults${++injectorIds}`
  let rate = options.rate
  let calls = 0
  let before = 0
  let after = 0
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (only !== undefined && !only.has(context.commandName ?? "")) return next(args)
      calls++
      if (random() >= rate) return next(args)
      if (random() < afterShare) {
        await next(args)
        after++
        throw afterFault()
      }
      throw beforeFault(kinds[before++ % kinds.length]!)
    },
    { step: "initialize", priority: "high", name }
  )
  return {
    stats: () => ({ calls, before, after }),
    setRate: (next) => {
      rate = next
    },
    remove: () => void client.middlewareStack.remove(name)
  }
}
