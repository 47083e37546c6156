import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { StoreError } from "../../../src/errors.js"
import { makeMemoryMetrics } from "../../../src/metrics/memory.js"
import { count, type DecimalValue, max, min, sum } from "../../../src/monoid/numeric.js"
import { set, setOf } from "../../../src/monoid/set.js"
import { last, type Latest, stamped } from "../../../src/monoid/stamped.js"
import { pipeline } from "../../../src/pipeline/Pipeline.js"
import { Store, type StoreService } from "../../../src/state/Store.js"
import { hourly } from "../../../src/window/Window.js"
import { makeTestStore } from "../../unit/query/testStore.js"
import { getJson, queryServers } from "./queryServers.js"

type Event = { readonly page: string }
const hour = 3_600_000
const t0 = Date.UTC(2025, 2, 1, 10) // 2025-03-01T10:00Z
const bucket0 = t0 / hour

const totals = pipeline<Event, number>({ name: "totals", key: (e) => e.page, monoid: count, store: "totals" })
const lowest = pipeline<Event, number | null>({ name: "lowest", key: (e) => e.page, value: () => 0, monoid: min, store: "lowest" })
const views = pipeline<Event, DecimalValue>({
  name: "views",
  key: (e) => e.page,
  value: () => 1,
  monoid: sum,
  window: hourly("7 days"),
  store: "views"
})
const peak = pipeline<Event, number | null>({
  name: "peak",
  key: (e) => e.page,
  value: () => 0,
  monoid: max,
  window: hourly(),
  store: "peak"
})
const visitors = pipeline<Event, ReadonlyArray<string>>({
  name: "visitors",
  key: (e) => e.page,
  value: () => [],
  monoid: set,
  window: hourly(),
  store: "visitors"
})
const latest = pipeline<Event, Latest<string>>({
  name: "latest",
  key: (e) => e.page,
  value: () => null,
  monoid: last<string>(),
  window: hourly(),
  store: "latest"
})

const store = makeTestStore()
// The main server's clock stands here, so the window endpoint's "last 2 hours" cannot move mid-test.
const nowMs = Date.UTC(2026, 0, 15, 10, 30)
const nowBucket = Math.floor(nowMs / hour)
const servers = queryServers()
let base = ""

beforeAll(async () => {
  store.seed(totals, "/home", 0, 7)
  store.seed(lowest, "/home", 0, 3)
  for (const [offset, value] of [[0, 1], [1, 10], [3, 100]] as const) store.seed(views, "/home", bucket0 + offset, value)
  store.seed(views, "/about", bucket0 + 1, 5)
  store.seed(peak, "/home", bucket0 + 2, 42)
  store.seed(visitors, "/home", bucket0, setOf("ann", "bob"))
  store.seed(visitors, "/home", bucket0 + 1, setOf("bob", "cy"))
  store.seed(latest, "/home", bucket0, stamped(t0 + 5, "first"))
  store.seed(latest, "/home", bucket0 + 1, stamped(t0 + hour + 5, "second"))
  // Around the server's clock, for the window endpoint.
  for (let offset = -3; offset <= 1; offset++) store.seed(views, "/live", nowBucket + offset, 10 ** (offset + 3))
  base = (await servers.serve({ pipelines: [totals, lowest, views, peak, visitors, latest], port: 0 }, store.layer, nowMs)).url
})

afterAll(servers.close)

const get = (path: string) => getJson(`${base}${path}`)

const iso = (ms: number) => new Date(ms).toISOString()

describe("query HTTP API", () => {
  it("listens on 127.0.0.1 by default", () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it("lists the pipelines it serves", async () => {
    const { status, body } = await get("/pipelines")
    expect(status).toBe(200)
    expect(body).toContainEqual({ name: "views", monoid: "sum", granularity: "hour", retentionMs: 7 * 24 * hour })
    expect(body).toContainEqual({ name: "totals", monoid: "count", granularity: null, retentionMs: null })
  })

  it("GET value: the stored value, the identity for a key never written", async () => {
    expect(await get("/pipelines/totals/value?key=%2Fhome")).toEqual({
      status: 200,
      body: { pipeline: "totals", key: "/home", value: 7 }
    })
    expect((await get("/pipelines/totals/value?key=nobody")).body.value).toBe(0)
    expect((await get("/pipelines/lowest/value?key=nobody")).body.value).toBeNull()
    expect((await get("/pipelines/lowest/value?key=%2Fhome")).body.value).toBe(3)
  })

  it("GET values: one entry per key, in the order asked", async () => {
    const { status, body } = await get("/pipelines/totals/values?key=zed&key=%2Fhome&key=zed")
    expect(status).toBe(200)
    expect(body.values).toEqual([{ key: "zed", value: 0 }, { key: "/home", value: 7 }, { key: "zed", value: 0 }])
    expect((await get("/pipelines/totals/values?key=%2Fhome")).body.values).toEqual([{ key: "/home", value: 7 }])
  })

  it("GET range: whole buckets, both ends included, several keys", async () => {
    const { status, body } = await get(
      `/pipelines/views/range?key=%2Fhome&key=%2Fabout&start=${iso(t0 + 1)}&end=${iso(t0 + 2 * hour + 10)}`
    )
    expect(status).toBe(200)
    expect(body).toEqual({
      pipeline: "views",
      from: iso(t0),
      to: iso(t0 + 3 * hour),
      buckets: 3,
      values: [{ key: "/home", value: 11 }, { key: "/about", value: 5 }]
    })
    const wide = await get(`/pipelines/views/range?key=%2Fhome&start=${iso(t0 - hour)}&end=${iso(t0 + 5 * hour)}`)
    expect(wide.body.values[0].value).toBe(111)
  })

  it("GET range: JSON forms of max (unset = null), sets and last", async () => {
    const span = `start=${iso(t0)}&end=${iso(t0 + hour)}`
    expect((await get(`/pipelines/peak/range?key=%2Fhome&${span}`)).body.values[0].value).toBeNull()
    expect((await get(`/pipelines/visitors/range?key=%2Fhome&${span}`)).body.values[0].value).toEqual(["ann", "bob", "cy"])
    expect((await get(`/pipelines/latest/range?key=%2Fhome&${span}`)).body.values[0].value).toEqual({
      at: t0 + hour + 5,
      value: "second"
    })
  })

  it("GET window: the last N buckets up to now, and the span it read", async () => {
    const { status, body } = await get("/pipelines/views/window?key=%2Flive&last=2%20hours")
    expect(status).toBe(200)
    expect(body.buckets).toBe(2)
    // The seeds are 10^(offset+3) at nowBucket+offset: the hour before now's and now's.
    expect(body.from).toBe(iso((nowBucket - 1) * hour))
    expect(body.to).toBe(iso((nowBucket + 1) * hour))
    expect(body.values).toEqual([{ key: "/live", value: 100 + 1000 }])
  })

  it("answers 400 with an HttpApiDecodeError for parameters that do not decode", async () => {
    for (
      const path of [
        "/pipelines/views/window?key=a&last=banana",
        "/pipelines/views/window?key=a&last=0%20seconds",
        "/pipelines/views/window?key=a",
        "/pipelines/views/range?key=a&start=yesterday&end=2025-01-01T00:00:00Z",
        "/pipelines/totals/value",
        "/pipelines/totals/value?key=",
        "/pipelines/totals/value?key=a&key=b"
      ]
    ) {
      const { status, body } = await get(path)
      expect({ path, status, tag: body?._tag }).toEqual({ path, status: 400, tag: "HttpApiDecodeError" })
    }
  })

  it("answers 400 with a BadQuery for a query the pipeline cannot answer", async () => {
    const windowRequired = await get("/pipelines/views/value?key=a")
    expect(windowRequired.status).toBe(400)
    expect(windowRequired.body).toMatchObject({ _tag: "BadQuery", reason: "WindowRequired" })
    const notWindowed = await get("/pipelines/totals/window?key=a&last=1%20hour")
    expect(notWindowed.body).toMatchObject({ _tag: "BadQuery", reason: "NotWindowed" })
    const backwards = await get(`/pipelines/views/range?key=a&start=${iso(t0)}&end=${iso(t0 - 1)}`)
    expect(backwards.status).toBe(400)
    expect(backwards.body).toMatchObject({ _tag: "BadQuery", reason: "InvalidRange" })
    const tooLarge = await get("/pipelines/views/window?key=a&last=3650%20days")
    expect(tooLarge.status).toBe(400)
    expect(tooLarge.body).toMatchObject({ _tag: "BadQuery", reason: "RangeTooLarge" })
  })

  it("answers 404 with a PipelineNotFound for an unknown pipeline", async () => {
    const { status, body } = await get("/pipelines/nope/value?key=a")
    expect(status).toBe(404)
    expect(body).toEqual({ _tag: "PipelineNotFound", pipeline: "nope", message: 'no pipeline named "nope" is served' })
  })

  it("serves its OpenAPI document and Swagger UI", async () => {
    const { status, body } = await get("/openapi.json")
    expect(status).toBe(200)
    expect(body.openapi).toMatch(/^3\./)
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        "/pipelines",
        "/pipelines/{name}/value",
        "/pipelines/{name}/values",
        "/pipelines/{name}/window",
        "/pipelines/{name}/range"
      ])
    )
    const responses = body.paths["/pipelines/{name}/window"].get.responses
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(["200", "400", "404", "503"]))
    const docs = await fetch(`${base}/docs`)
    expect(docs.status).toBe(200)
    expect(await docs.text()).toContain("swagger")
  })

  it("answers 503 with StoreUnavailable naming the error, never the store's own text", async () => {
    for (const [transient, storeText] of [[true, "connect ECONNREFUSED 127.0.0.1:1"], [false, "ResourceNotFoundException: Requested resource not found"]] as const) {
      const failing: StoreService = {
        ...store.service,
        getMany: () => Effect.fail(new StoreError({ operation: "getMany", transient, message: storeText }))
      }
      const other = await servers.serve({ pipelines: [totals], port: 0 }, Layer.succeed(Store, failing))
      const response = await fetch(`${other.url}/pipelines/totals/value?key=a`)
      expect(response.status).toBe(503)
      const text = await response.text()
      expect(text).not.toContain(storeText.slice(0, 20))
      expect(JSON.parse(text)).toEqual({
        _tag: "StoreUnavailable",
        error: "StoreError",
        transient,
        message: transient ? "the store did not answer this time; try again" : "the store refused the read; the server log says why"
      })
    }
  })
})

describe("query HTTP API: hardened edges", () => {
  const raw = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init)
    const text = await response.text()
    return {
      status: response.status,
      allow: response.headers.get("allow"),
      type: response.headers.get("content-type"),
      body: text === "" ? undefined : JSON.parse(text)
    }
  }
  const windowOf = (last: string) => `/pipelines/views/window?key=%2Flive&last=${encodeURIComponent(last)}`
  const rangeFrom = (start: string) => `/pipelines/views/range?key=%2Fhome&start=${encodeURIComponent(start)}&end=${iso(t0 + hour)}`

  const cases: ReadonlyArray<{
    readonly name: string
    readonly path: string
    readonly method?: string
    readonly status: number
    readonly tag?: string
    readonly allow?: string
  }> = [
    ...["POST", "PUT", "DELETE", "OPTIONS", "PATCH"].flatMap((method) =>
      ["/pipelines", "/pipelines/views/window?key=a&last=1h", "/", "/metrics", "/live", "/openapi.json"].map((path) => ({
        name: `${method} ${path}`,
        method,
        path,
        status: 405,
        tag: "MethodNotAllowed",
        allow: "GET, HEAD"
      }))
    ),
    { name: "POST to no route", method: "POST", path: "/nowhere", status: 404, tag: "NotFound" },
    { name: "GET no route", path: "/nowhere/at/all", status: 404, tag: "NotFound" },
    { name: "HEAD a route", method: "HEAD", path: "/pipelines", status: 200 },
    ...["0", "1740823200000", "2025", "2025-03-01", "March 1, 2025", "2025-03-01T10:00Z", "2025-03-01T10:00:00", "2025-02-30T00:00:00Z", "2025-03-01T24:00:00Z", "2025-03-01T10:00:00+25:00", " 2025-03-01T10:00:00Z"]
      .map((start) => ({ name: `start=${start}`, path: rangeFrom(start), status: 400, tag: "HttpApiDecodeError" })),
    ...["2025-03-01T10:00:00Z", "2025-03-01T11:00:00+01:00", "2025-03-01t10:00:00.000z", "2025-03-01T05:30:00.5-04:30"]
      .map((start) => ({ name: `start=${start}`, path: rangeFrom(start), status: 200 })),
    ...["%ff", "%", "%zz", "%c3", "%ed%a0%80"].flatMap((escape) => [
      { name: `key=${escape}`, path: `/pipelines/totals/value?key=${escape}`, status: 400, tag: "BadRequest" },
      { name: `pipeline ${escape}`, path: `/pipelines/${escape}/value?key=a`, status: 400, tag: "BadRequest" }
    ]),
    { name: "a well-escaped key", path: "/pipelines/totals/value?key=%C3%A9t%C3%A9+%2B1", status: 200 },
    { name: "a 100 KB key", path: `/pipelines/totals/value?key=${"k".repeat(100_000)}`, status: 431, tag: "RequestTooLarge" },
    ...["1h", "1 hour", "60m", "60 minutes", "3600s", "1H", "0.5h30m"].map((last) => ({ name: `last=${last}`, path: windowOf(last), status: 200 })),
    ...["0h", "-1h", "1 fortnight", "h", "1", "1h30", ""].map((last) => ({ name: `last=${last}`, path: windowOf(last), status: 400, tag: "HttpApiDecodeError" }))
  ]

  it.each(cases)("$name → $status", async ({ allow, method, path, status, tag }) => {
    const answer = await raw(path, method === undefined ? undefined : { method })
    expect(answer.status).toBe(status)
    if (tag !== undefined) {
      expect(answer.type).toMatch(/^application\/json/)
      expect(answer.body._tag).toBe(tag)
      expect(typeof answer.body.message).toBe("string")
    }
    if (allow !== undefined) expect(answer.allow).toBe(allow)
  })

  it("reads `1h`, `1 hour` and `60m` as the same window", async () => {
    const answers = await Promise.all(["1h", "1 hour", "60m"].map(async (last) => (await raw(windowOf(last))).body))
    expect(answers[1]).toEqual(answers[0])
    expect(answers[2]).toEqual(answers[0])
    expect(answers[0].buckets).toBe(1)
  })

  it("reads an instant's offset", async () => {
    const utc = await raw(rangeFrom("2025-03-01T10:00:00Z"))
    const offset = await raw(rangeFrom("2025-03-01T11:00:00+01:00"))
    expect(offset.body).toEqual(utc.body)
    expect(utc.body.from).toBe(iso(t0))
  })
})

describe("query HTTP API: series, top keys, live figures and metrics", () => {
  const get2 = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers })
    return { status: response.status, type: response.headers.get("content-type"), text: await response.text() }
  }
  let live = ""
  let records = 0
  beforeAll(async () => {
    const metrics = makeMemoryMetrics()
    Effect.runSync(metrics.service.increment("views", 12))
    Effect.runSync(metrics.service.increment("views:retry", 2))
    Effect.runSync(metrics.service.increment("views:decode_error", 1))
    const served = await servers.serve({
      pipelines: [totals, views],
      port: 0,
      live: {
        metrics: Effect.sync(metrics.snapshot),
        keys: { totals: ["/home", "/nobody"], views: ["/home", "/about", "/nobody"] },
        drivers: [{
          name: "consumer",
          pipeline: "views",
          progress: Effect.sync(() => ({ shards: { "shardId-1": { recordsProcessed: records, millisBehindLatest: 250 } } }))
        }]
      }
    }, store.layer)
    live = served.url
  })

  it("GET series: one value per bucket, the identity where no row is", async () => {
    const { status, text } = await get2(`${live}/pipelines/views/series?key=%2Fhome&start=${iso(t0)}&end=${iso(t0 + 4 * hour)}`)
    expect(status).toBe(200)
    const body = JSON.parse(text)
    expect(body.buckets).toEqual([0, 1, 2, 3, 4].map((i) => ({ start: iso(t0 + i * hour), value: [1, 10, 0, 100, 0][i] })))
    const neither = await get2(`${live}/pipelines/views/series?key=%2Fhome`)
    expect(neither.status).toBe(400)
    expect(JSON.parse(neither.text)).toMatchObject({ _tag: "BadQuery", reason: "InvalidRange" })
  })

  it("GET top: the named keys, largest first, equal to their values", async () => {
    const { status, text } = await get2(`${live}/pipelines/totals/top?n=5`)
    expect(status).toBe(200)
    expect(JSON.parse(text)).toEqual({ pipeline: "totals", from: null, to: null, candidates: 2, values: [{ key: "/home", value: 7 }, { key: "/nobody", value: 0 }] })
    expect(JSON.parse((await get2(`${live}/pipelines/views/top?n=1&last=2h`)).text).values).toHaveLength(1)
    expect((await get2(`${live}/pipelines/views/top?n=0`)).status).toBe(400)
  })

  it("GET live: per-shard progress with a rate, and the pipelines' counters", async () => {
    const first = JSON.parse((await get2(`${live}/live`)).text)
    expect(first.drivers[0]).toMatchObject({ name: "consumer", pipeline: "views", shards: [{ shard: "shardId-1", millisBehindLatest: 250 }] })
    expect(first.counters).toContainEqual({ pipeline: "views", merged: 12, retries: 2, deadLetters: 0, decodeErrors: 1 })
    // Records move; the rate needs a reading a second old, so poll until one is (progress-bounded).
    records = 500
    let rate = 0
    for (let look = 0; look < 400 && rate === 0; look++) {
      const body = JSON.parse((await get2(`${live}/live`)).text)
      expect(body.drivers[0].records).toBe(500)
      rate = body.drivers[0].recordsPerSecond
      if (rate === 0) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(rate).toBeGreaterThan(0)
  })

  it("GET metrics: Prometheus text, or JSON when asked", async () => {
    const text = await get2(`${live}/metrics`)
    expect(text.type).toBe("text/plain; version=0.0.4; charset=utf-8")
    expect(text.text).toContain('murmur_records_merged_total{pipeline="views"} 12')
    const json = await get2(`${live}/metrics`, { accept: "application/json" })
    expect(JSON.parse(json.text).pipelines.views.counters).toMatchObject({ records_merged: 12, retry: 2, decode_error: 1 })
    expect(JSON.parse((await get2(`${live}/metrics.json`)).text)).toEqual(JSON.parse(json.text))
  })
})
