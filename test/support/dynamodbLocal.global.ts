import type {} from "vitest"
import type { TestProject } from "vitest/node"
import { startDynamoDbLocal, startScoped } from "../../src/local/index.js"

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string
  }
}

/** One DynamoDB Local for the whole run; each test file uses its own table names. */
export default async function setup(project: TestProject) {
  const server = await startScoped(startDynamoDbLocal)
  project.provide("dynamodbEndpoint", server.endpoint)
  return server.close
}
