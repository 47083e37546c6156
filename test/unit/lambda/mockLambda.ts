import { LambdaClient } from "@aws-sdk/client-lambda"
import type { EventSourceMapping } from "../../../src/kinesis/lambda/LambdaMappings.js"

/** What the mocked Lambda API answers to one HTTP request. */
export type LambdaReply =
  | { readonly mappings: ReadonlyArray<EventSourceMapping>; readonly nextMarker?: string }
  | { readonly error: string; readonly status: number }
  /** Never answers (until the request is aborted). */
  | "hang"

/**
 * A real SDK `LambdaClient` whose HTTP handler answers from `reply` instead of the network, so
 * the SDK's own serialisation, error parsing and abort handling run as in production.
 */
export const mockedLambdaClient = (reply: (query: URLSearchParams, call: number) => LambdaReply) => {
  const requests: Array<URLSearchParams> = []
  const client = new LambdaClient({
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
    requestHandler: {
      handle: (request: { query?: Record<string, string | Array<string> | null> }, options?: { abortSignal?: AbortSignal }) => {
        const query = new URLSearchParams()
        for (const [key, value] of Object.entries(request.query ?? {})) if (typeof value === "string") query.set(key, value)
        requests.push(query)
        const answer = reply(query, requests.length)
        if (answer === "hang") {
          return new Promise((_, reject) => {
            options?.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })))
          })
        }
        const [statusCode, headers, body] = "error" in answer
          ? [answer.status, { "content-type": "application/json", "x-amzn-errortype": answer.error }, { Message: `${answer.error}: not allowed` }]
          : [200, { "content-type": "application/json" }, {
            EventSourceMappings: answer.mappings.map((mapping) => ({
              UUID: "00000000-0000-0000-0000-000000000000",
              EventSourceArn: mapping.eventSourceArn,
              ParallelizationFactor: mapping.parallelizationFactor,
              State: mapping.state
            })),
            ...(answer.nextMarker === undefined ? {} : { NextMarker: answer.nextMarker })
          }]
        return Promise.resolve({ response: { statusCode, headers, body: Buffer.from(JSON.stringify(body)) } })
      }
    } as never
  })
  return { client, requests }
}
