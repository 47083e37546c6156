import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"

/**
 * Models a worker dying between any two steps: after `calls` more DynamoDB calls, nothing this
 * client sends reaches the table any more (as if the process were gone). What the worker did
 * after that point is then discarded by the test, and another worker takes over.
 */
export interface KillSwitch {
  readonly armAfter: (calls: number) => void
  readonly dead: () => boolean
  /** Calls this client completed (answered, fault or not): the test's measure of progress. */
  readonly answered: () => number
}

let switches = 0

export const installKillSwitch = (client: DynamoDBClient): KillSwitch => {
  let remaining = Infinity
  let answered = 0
  client.middlewareStack.add(
    (next) => async (args) => {
      if (remaining <= 0) throw Object.assign(new Error("worker killed"), { code: "ECONNREFUSED" })
      remaining--
      try {
        return await next(args)
      } finally {
        answered++
      }
    },
    // After the fault injector, so a killed worker's calls never reach DynamoDB Local.
    { step: "initialize", priority: "low", name: `murmurKillSwitch${++switches}` }
  )
  return {
    armAfter: (calls) => {
      remaining = calls
    },
    dead: () => remaining <= 0,
    answered: () => answered
  }
}

/** Seeded generator for chaos decisions. */
export { seededRandom as chaosRandom } from "../support/seeded.js"
