import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"

/** Commands that write (and are billed in write units). */
export const writeCommands: ReadonlySet<string> = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "BatchWriteItemCommand",
  "TransactWriteItemsCommand"
])

export interface RequestCounter {
  /** Requests sent per command name (e.g. `UpdateItemCommand`), since the last reset. */
  readonly byCommand: () => ReadonlyMap<string, number>
  readonly total: () => number
  /** Requests of write commands. */
  readonly writes: () => number
  readonly reset: () => void
  /** Takes the middleware off the client. */
  readonly remove: () => void
}

let counterIds = 0

/**
 * Counts the requests a DynamoDB client sends, per command. It sits after the SDK's retry step, so
 * each HTTP attempt counts once; a request failed before sending by `injectFaults` does not count.
 *
 * @example
 * const counter = countRequests(client)
 * await run()
 * expect(counter.writes()).toBeLessThanOrEqual(100)
 */
export const countRequests = (client: DynamoDBClient): RequestCounter => {
  const counts = new Map<string, number>()
  const name = `murmurRequestCounter${++counterIds}`
  client.middlewareStack.add(
    (next, context) => (args) => {
      const command = context.commandName ?? "unknown"
      counts.set(command, (counts.get(command) ?? 0) + 1)
      return next(args)
    },
    { step: "finalizeRequest", priority: "low", name }
  )
  const sum = (filter: (command: string) => boolean) => {
    let n = 0
    for (const [command, count] of counts) if (filter(command)) n += count
    return n
  }
  return {
    byCommand: () => new Map(counts),
    total: () => sum(() => true),
    writes: () => sum((command) => writeCommands.has(command)),
    reset: () => counts.clear(),
    remove: () => void client.middlewareStack.remove(name)
  }
}
