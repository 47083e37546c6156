/**
 * The example's deployable, as it ships: examples/lambda/build.ts bundles handler.ts (SDK from its
 * ESM builds, split), and a fresh `node` with only the bundle and Lambda's environment variables
 * runs two deliveries of one batch against DynamoDB Local. The counts must be exact once (the
 * redelivery fenced off), and the mapping check's Lambda client must sit in a chunk of its own,
 * loaded only when the check runs (here against a closed port: one warning, the batch proceeds).
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { KinesisStreamEvent } from "aws-lambda"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { bundle, type Bundle } from "../../../examples/lambda/build.js"
import { freePort, localCredentials, localDynamoClient } from "../../../src/local/index.js"
import { layerNoop } from "../../../src/metrics/noop.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import * as Query from "../../../src/query/Query.js"
import { createTables, DynamoState } from "../../../src/state/dynamodb/index.js"
import { hourly } from "../../../src/window/Window.js"
import { recordOf } from "../../unit/lambda/events.js"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const aggregatesTable = `bundle-it-views-${process.pid}`
const claimsTable = `bundle-it-claims-${process.pid}`
// Arrival times are the records' event times: one fixed instant, read back as its hour.
const arrivalSeconds = Math.floor(Date.now() / 1000)
const pages = ["/home", "/pricing", "/home", "/docs", "/home", "/pricing"]

// The example's pipeline (examples/lambda/pipeline.ts) with its table name, to create and read it.
const pageViews = pipeline({
  name: "page-views",
  key: (view: { readonly page: string }) => view.page,
  monoid: count,
  window: hourly("7 days"),
  store: aggregatesTable
})

// Records as the event-source mapping delivers them, all arriving at one instant.
const event: KinesisStreamEvent = {
  Records: pages.map((page, i) => recordOf(i + 1, JSON.stringify({ page, user: `u${i}` }), { arrivalSeconds }))
}

// What the child runs: the bundle imported from its file, the batch delivered twice.
const childScript = (bundleUrl: string, eventFile: string) => `
import { readFileSync } from "node:fs"
const event = JSON.parse(readFileSync(${JSON.stringify(eventFile)}, "utf8"))
const context = { getRemainingTimeInMillis: () => 60000, awsRequestId: "bundle-it" }
const { handler } = await import(${JSON.stringify(bundleUrl)})
const first = await handler(event, context)
const redelivered = await handler(event, context)
console.log(JSON.stringify({ first, redelivered }))
`

let dir = ""
let built: Bundle

beforeAll(async () => {
  const cache = join(root, "node_modules", ".cache")
  mkdirSync(cache, { recursive: true })
  dir = mkdtempSync(join(cache, "murmur-bundle-it-"))
  built = await bundle("handler", dir)
  const client = localDynamoClient(inject("dynamodbEndpoint"))
  await Effect.runPromise(createTables({ client, aggregates: [aggregatesTable], claimsTable }))
  client.destroy()
})

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
})

describe("the example's deployable bundle", () => {
  it("counts a batch exactly once in DynamoDB Local from a fresh node, redelivery included", async () => {
    const eventFile = join(dir, "event.json")
    writeFileSync(eventFile, JSON.stringify(event))
    const closedPort = await Effect.runPromise(freePort)
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", childScript(pathToFileURL(built.file).href, eventFile)], {
      encoding: "utf8",
      cwd: dir,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        AWS_LAMBDA_FUNCTION_NAME: "murmur-example",
        AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${closedPort}`,
        MURMUR_AGGREGATES_TABLE: aggregatesTable,
        MURMUR_CLAIMS_TABLE: claimsTable,
        MURMUR_DYNAMODB_ENDPOINT: inject("dynamodbEndpoint")
      }
    })
    expect(child.status, child.stderr).toBe(0)
    const output = `${child.stdout}\n${child.stderr}`
    const { first, redelivered } = JSON.parse(child.stdout.trim().split("\n").pop()!)
    expect(first).toEqual({ batchItemFailures: [] })
    expect(redelivered).toEqual({ batchItemFailures: [] })
    // The look-up ran (its chunk loaded) and failed against the closed port: one warning, no refusal.
    expect(output).toContain('could not read the event-source mappings of function \\"murmur-example\\"')

    const client = localDynamoClient(inject("dynamodbEndpoint"))
    const state = Layer.merge(DynamoState.layer({ client, claimsTable }), layerNoop)
    const at = arrivalSeconds * 1000
    const counted = await Effect.runPromise(
      Effect.forEach(["/home", "/pricing", "/docs"], (page) => Query.range(pageViews, page, at, at)).pipe(Effect.provide(state))
    )
    client.destroy()
    expect(counted).toEqual([3, 2, 1])
  })

  it("loads the Lambda client only on first use: it is in a chunk the entry does not import", () => {
    const atStart = built.modulesAtStart.join("\n")
    expect(atStart).toContain("node_modules/@aws-sdk/client-dynamodb/dist-es/") // the ESM build, bundled
    expect(atStart).not.toContain("@aws-sdk/client-lambda")
    expect(atStart).not.toContain("/dist-cjs/")
    expect(built.bytesAtStart).toBeLessThan(built.bytesInAll)
    // docs/performance.md gives 477 KiB at start; the bound leaves room for dependency updates
    // and fails if the SDK's CommonJS builds (kept whole) come back.
    expect(built.bytesAtStart / 1024).toBeLessThan(600)
  })
})
