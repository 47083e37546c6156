/**
 * The HTTP API on sketch pipelines: answers rendered per monoid, `/contains` for Bloom filters,
 * `/top` ranked by estimates, and the OpenAPI document describing each kind of answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bloom, decayedSum, hll, topK } from "../../../src/monoid/index.js"
import type { Monoid } from "../../../src/monoid/Monoid.js"
import { pipeline } from "../../../src/pipeline/Pipeline.js"
import { hourly } from "../../../src/window/Window.js"
import { makeTestStore } from "../../unit/query/testStore.js"
import { getJson, queryServers } from "./queryServers.js"

const hour = 3_600_000
const uniques = hll()
const pages = topK(3)
const seen = bloom(1_000, 0.01)
const trending = decayedSum("1 hour")

const define = <V>(name: string, monoid: Monoid<V>, windowed = false) =>
  pipeline<{ readonly k: string }, V>({
    name,
    key: (e) => e.k,
    value: () => monoid.empty,
    monoid,
    store: name,
    ...(windowed ? { window: hourly("7 days") } : {})
  })

const visitors = define("visitors", uniques, true)
const top = define("top-pages", pages)
const members = define("members", seen)
const hourlyMembers = define("hourly-members", seen, true)
const trend = define("trend", trending)

const store = makeTestStore()
// The server's clock stands here, half past an hour, so "the last 3 hours" cannot move mid-test.
const nowMs = Date.UTC(2026, 0, 15, 10, 30)
const nowBucket = Math.floor(nowMs / hour)
const servers = queryServers()
let get: (path: string) => ReturnType<typeof getJson>

beforeAll(async () => {
  // Three hours of visitors to /home (overlapping), one to /about.
  store.seed(visitors, "/home", nowBucket, uniques.of("ann", "bob"))
  store.seed(visitors, "/home", nowBucket - 1, uniques.of("bob", "cy"))
  store.seed(visitors, "/home", nowBucket - 2, uniques.of("cy", "dan", "eve"))
  store.seed(visitors, "/about", nowBucket, uniques.of("ann"))
  store.seed(top, "all", 0, pages.fromCounts(new Map([["/home", 9], ["/about", 4]])))
  store.seed(members, "/home", 0, seen.of("ann", "bob"))
  store.seed(hourlyMembers, "/home", nowBucket - 5, seen.of("old"))
  store.seed(trend, "/home", 0, trending.of(8, nowMs - 2 * hour))
  const served = await servers.serve(
    { pipelines: [visitors, top, members, hourlyMembers, trend], port: 0, live: { keys: { visitors: ["/about", "/home"] } } },
    store.layer,
    nowMs
  )
  get = served.get
})

afterAll(servers.close)

describe("query HTTP API on sketches", () => {
  it("window of an HLL: the buckets' union as { estimate }", async () => {
    const { body, status } = await get("/pipelines/visitors/window?key=%2Fhome&key=%2Fabout&last=3h")
    expect(status).toBe(200)
    expect(body.values).toEqual([{ key: "/home", value: { estimate: 5 } }, { key: "/about", value: { estimate: 1 } }])
    expect((await get("/pipelines/visitors/window?key=%2Fhome&last=1h")).body.values[0].value).toEqual({ estimate: 2 })
    const series = await get("/pipelines/visitors/series?key=%2Fhome&last=3h")
    expect(series.body.buckets.map((b: { value: unknown }) => b.value)).toEqual([{ estimate: 3 }, { estimate: 2 }, { estimate: 2 }])
  })

  it("/top ranks HLL pipelines by their estimates", async () => {
    const { body } = await get("/pipelines/visitors/top?last=3h")
    expect(body.values).toEqual([{ key: "/home", value: { estimate: 5 } }, { key: "/about", value: { estimate: 1 } }])
  })

  it("top-K as [{ item, count }], a decayed sum as its value now, a Bloom filter's summary", async () => {
    expect((await get("/pipelines/top-pages/value?key=all")).body.value).toEqual([{ item: "/home", count: 9 }, { item: "/about", count: 4 }])
    const score = (await get("/pipelines/trend/value?key=%2Fhome")).body.value
    expect(score).toBe(2) // 8 halved twice: two half-lives before the server's now
    expect((await get("/pipelines/members/value?key=%2Fhome")).body.value).toEqual({
      bits: seen.bits,
      hashes: seen.hashes,
      setBits: expect.any(Number),
      estimate: 2
    })
  })

  it("GET contains: true for a member, false for others; over a window with last", async () => {
    expect(await get("/pipelines/members/contains?key=%2Fhome&element=ann")).toEqual({
      status: 200,
      body: { pipeline: "members", key: "/home", element: "ann", contains: true, from: null, to: null }
    })
    expect((await get("/pipelines/members/contains?key=%2Fhome&element=zoe")).body.contains).toBe(false)
    const recent = await get("/pipelines/hourly-members/contains?key=%2Fhome&element=old&last=3h")
    expect(recent.body).toMatchObject({ contains: false, from: new Date((nowBucket - 2) * hour).toISOString() })
    expect((await get("/pipelines/hourly-members/contains?key=%2Fhome&element=old&last=6h")).body.contains).toBe(true)
  })

  it("GET contains: 400 NotBloom for another monoid, WindowRequired without last, 404 for no such pipeline", async () => {
    const notBloom = await get("/pipelines/visitors/contains?key=%2Fhome&element=ann&last=1h")
    expect(notBloom.status).toBe(400)
    expect(notBloom.body).toMatchObject({ _tag: "BadQuery", reason: "NotBloom" })
    const noWindow = await get("/pipelines/hourly-members/contains?key=%2Fhome&element=ann")
    expect(noWindow.body).toMatchObject({ _tag: "BadQuery", reason: "WindowRequired" })
    expect((await get("/pipelines/nope/contains?key=a&element=b")).status).toBe(404)
    expect((await get("/pipelines/members/contains?key=%2Fhome")).status).toBe(400)
  })

  it("the OpenAPI document has the contains endpoint and one schema per kind of answer", async () => {
    const { body } = await get("/openapi.json")
    expect(Object.keys(body.paths)).toContain("/pipelines/{name}/contains")
    const parameters = body.paths["/pipelines/{name}/contains"].get.parameters.map((p: { name: string }) => p.name)
    expect(parameters).toEqual(expect.arrayContaining(["name", "key", "element", "last"]))
    const aggregate = body.components.schemas.Aggregate
    const titles = aggregate.anyOf.map((kind: { title?: string }) => kind.title)
    expect(titles).toEqual(expect.arrayContaining(["hll", "topK", "bloom", "set: sorted members"]))
    const hllKind = aggregate.anyOf.find((kind: { title?: string }) => kind.title === "hll")
    expect(hllKind).toMatchObject({ type: "object", required: ["estimate"] })
  })
})
