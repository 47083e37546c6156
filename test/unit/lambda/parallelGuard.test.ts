/**
 * The ParallelizationFactor guard through the handler, with the Lambda SDK client mocked at its
 * HTTP handler and the memory state.
 */
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterEach, describe, expect, it } from "vitest"
import { type KinesisHandler, kinesisHandler, type KinesisHandlerOptions } from "../../../src/kinesis/lambda/index.js"
import { LambdaMappings } from "../../../src/kinesis/lambda/LambdaMappings.js"
import { makeMemoryMetrics } from "../../../src/metrics/memory.js"
import { Metrics } from "../../../src/metrics/Metrics.js"
import { count } from "../../../src/monoid/index.js"
import { type DeliveryStrategy, pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import * as MemoryState from "../../../src/state/memory/MemoryState.js"
import { Store } from "../../../src/state/Store.js"
import { captureLogs } from "./logCapture.js"
import { fakeContext, recordOf, reported, sequenceOf, shardId, streamArn } from "./events.js"
import { type LambdaReply, mockedLambdaClient } from "./mockLambda.js"

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
const decoder = schemaDecoder(PageView)
const viewsOf = (delivery: DeliveryStrategy) =>
  pipeline({ name: "views", key: (view: typeof PageView.Type) => view.page, monoid: count, store: "views", delivery })

const factor = (parallelizationFactor: number): LambdaReply => ({
  mappings: [{ eventSourceArn: streamArn, parallelizationFactor, state: "Enabled" }]
})
const denied: LambdaReply = { error: "AccessDeniedException", status: 403 }

const eventOf = (ns: ReadonlyArray<number>, page = "home") => ({
  Records: ns.map((n) => recordOf(n, JSON.stringify({ page, user: `u${n}` })))
})

const handlers: Array<KinesisHandler> = []
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.dispose()))
})

/** A handler on a memory state, with or without a claims table (the `Deduper`), over the mocked API. */
const setup = (
  reply: LambdaReply,
  options: { delivery?: DeliveryStrategy; claims?: boolean; state?: MemoryState.MemoryState } & KinesisHandlerOptions = {}
) => {
  const { delivery = "auto", claims = true, state = MemoryState.make(), ...rest } = options
  const lambda = mockedLambdaClient(() => reply)
  const metrics = makeMemoryMetrics()
  const stateLayer = claims ? state.layer : Layer.succeed(Store, state.store.service)
  const handler = kinesisHandler(viewsOf(delivery), decoder, {
    layer: Layer.mergeAll(stateLayer, Layer.succeed(Metrics, metrics.service), LambdaMappings.layer({ client: lambda.client })),
    functionName: "views-fn",
    retry: { baseMs: 1, capMs: 2 },
    ...rest
  })
  handlers.push(handler)
  const row = () => state.store.control.rows("views").find((r) => r.key.entity === "home")
  return { handler, state, metrics, row, requests: lambda.requests }
}

describe("the ParallelizationFactor guard", () => {
  it("factor 1: commits with fenced marks, looking the mapping up once per container", async () => {
    const { handler, row, requests } = setup(factor(1))
    const { lines } = await captureLogs(async () => {
      expect(reported(await handler(eventOf([1, 2]), fakeContext()))).toEqual([])
      expect(reported(await handler(eventOf([3]), fakeContext()))).toEqual([])
    })
    expect(row()?.value).toBe(3)
    expect(row()?.marks.get(shardId)).toBe(sequenceOf(3))
    expect(requests).toHaveLength(1)
    expect(lines.filter((line) => line.level === "ERROR" || line.level === "WARN")).toEqual([])
  })

  it("factor 2 with a claims table: delivery auto commits with claims, logging the switch once", async () => {
    const { handler, state, row } = setup(factor(2))
    const { lines } = await captureLogs(async () => {
      expect(reported(await handler(eventOf([1, 3, 5]), fakeContext()))).toEqual([])
      expect(reported(await handler(eventOf([2, 4]), fakeContext()))).toEqual([])
    })
    // Interleaved batches of one shard: nothing dropped, no fence marks, one claim per record.
    expect(row()?.value).toBe(5)
    expect(row()?.marks.size).toBe(0)
    expect(state.store.control.claimCount()).toBe(5)
    const warnings = lines.filter((line) => line.level === "WARN")
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.message).toMatch(/commits with claims instead of fenced marks.*2 batches of each shard/)
  })

  it("factor 2 without a claims table: every record reported, nothing written, one error line saying why", async () => {
    const { handler, row } = setup(factor(2), { claims: false })
    const { result, lines } = await captureLogs(() => handler(eventOf([1, 3, 5]), fakeContext()))
    expect(reported(result)).toEqual([sequenceOf(1), sequenceOf(3), sequenceOf(5)])
    expect(row()).toBeUndefined()
    const errors = lines.filter((line) => line.level === "ERROR")
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toMatch(/refuses this batch.*ParallelizationFactor above 1.*To fix: set the mapping's ParallelizationFactor to 1.*MURMUR_CLAIMS_TABLE/)
  })

  it("factor 2 with delivery fenced: refused even with a claims table", async () => {
    const { handler, row } = setup(factor(2), { delivery: "fenced" })
    const { result, lines } = await captureLogs(() => handler(eventOf([1, 3]), fakeContext()))
    expect(reported(result)).toEqual([sequenceOf(1), sequenceOf(3)])
    expect(row()).toBeUndefined()
    expect(lines.filter((line) => line.level === "ERROR").map((line) => line.message)).toEqual([
      expect.stringMatching(/delivery "fenced".*define the pipeline with delivery "claims"/)
    ])
  })

  it("a claims pipeline never looks the mapping up", async () => {
    const { handler, row, requests } = setup(factor(4), { delivery: "claims" })
    expect(reported(await handler(eventOf([1]), fakeContext()))).toEqual([])
    expect(row()?.value).toBe(1)
    expect(requests).toHaveLength(0)
  })

  it("access denied: a warning, then the configured behaviour (fenced)", async () => {
    const { handler, row } = setup(denied, { claims: false })
    const { result, lines } = await captureLogs(() => handler(eventOf([1, 2]), fakeContext()))
    expect(reported(result)).toEqual([])
    expect(row()?.marks.get(shardId)).toBe(sequenceOf(2))
    expect(lines.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
      expect.stringMatching(/AccessDeniedException.*proceeding as configured.*lambda:ListEventSourceMappings/)
    ])
  })

  it("access denied with mappingCheck strict: claims when possible, else refused", async () => {
    const withClaims = setup(denied, { mappingCheck: "strict" })
    expect(reported(await withClaims.handler(eventOf([1]), fakeContext()))).toEqual([])
    expect(withClaims.row()?.marks.size).toBe(0)
    expect(withClaims.state.store.control.claimCount()).toBe(1)

    const without = setup(denied, { mappingCheck: "strict", claims: false })
    const { result, lines } = await captureLogs(() => without.handler(eventOf([1]), fakeContext()))
    expect(reported(result)).toEqual([sequenceOf(1)])
    expect(without.row()).toBeUndefined()
    expect(lines.filter((line) => line.level === "ERROR").map((line) => line.message)).toEqual([
      expect.stringMatching(/could not be read \(AccessDeniedException.*"strict"/)
    ])
  })

  it("in-batch check: records found applied that this container never saw are a suspected parallel mapping", async () => {
    const state = MemoryState.make()
    // The look-up said factor 1 (the mapping was changed later, or the check is off): the
    // history of container B catches what the fence then drops.
    const a = setup(factor(1), { state })
    const b = setup(factor(1), { state })
    const { lines } = await captureLogs(async () => {
      expect(reported(await b.handler(eventOf([0], "other"), fakeContext()))).toEqual([])
      expect(reported(await a.handler(eventOf([1, 3, 5, 7, 9]), fakeContext()))).toEqual([])
      // B's batch of the same shard: its row mark is already 9, so 2–8 are dropped as applied.
      expect(reported(await b.handler(eventOf([2, 4, 6, 8, 10]), fakeContext()))).toEqual([])
    })
    expect(a.row()?.value).toBe(6) // 10 records, 4 lost: the loss the cold-start guard prevents
    expect(b.metrics.counter("views:suspected_parallel_mapping")).toBe(1)
    expect(lines.filter((line) => line.level === "ERROR").map((line) => line.message)).toEqual([
      expect.stringMatching(/suspected parallel event-source mapping on shardId-000000000000.*4 record\(s\) from/)
    ])
  })

  it("in-batch check: records of one shard out of order are a suspected parallel mapping", async () => {
    const { handler, metrics } = setup(factor(1))
    const { lines } = await captureLogs(() => handler(eventOf([1, 3, 2]), fakeContext()))
    expect(metrics.counter("views:suspected_parallel_mapping")).toBe(1)
    expect(lines.some((line) => /record #2 .* is not above the one before it/.test(line.message))).toBe(true)
  })
})
