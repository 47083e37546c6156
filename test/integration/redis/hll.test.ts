/**
 * HLL interop with a real redis-server: murmur's bytes are valid Redis HyperLogLogs, and what
 * PFADD builds decodes, merges and estimates in murmur exactly as Redis does.
 */
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalRedis, startRedis, startScoped, type Started } from "../../../src/local/index.js"
import { hll, hllEstimate } from "../../../src/monoid/index.js"

const uniques = hll()
const codec = uniques.codec
if (codec.storage !== "binary") throw new Error("hll is stored as bytes")

let redis: Started<LocalRedis>
let client: Redis

beforeAll(async () => {
  redis = await startScoped(startRedis())
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 })
})

afterAll(async () => {
  client?.disconnect()
  await redis?.close()
})

const elements = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

const pfadd = async (key: string, values: ReadonlyArray<string>) => {
  await client.del(key)
  for (let i = 0; i < values.length; i += 1000) await client.pfadd(key, ...values.slice(i, i + 1000))
}

describe("hll against redis-server", () => {
  it.each([
    ["empty", 0],
    ["sparse", 120],
    ["sparse near the dense switch", 900],
    ["dense", 5000],
    ["dense, large", 200_000]
  ])("PFCOUNT of murmur's bytes (%s, %i elements) equals murmur's estimate", async (_label, n) => {
    const counter = uniques.counter()
    for (const e of elements("m", n)) counter.add(e)
    const bytes = codec.encode(counter.toHll())
    expect(bytes[4]).toBe(n > 2000 ? 0 : 1)
    await client.set("murmur", Buffer.from(bytes))
    expect(await client.pfcount("murmur")).toBe(counter.estimate())
    // Redis can keep adding to it: PFADD of the same elements changes nothing.
    if (n > 0) expect(await client.pfadd("murmur", "m0", `m${n - 1}`)).toBe(0)
  })

  it.each([
    ["sparse", 300, 400],
    ["dense", 4000, 6000],
    ["sparse with dense", 200, 20_000]
  ])("bytes built by PFADD (%s) decode in murmur, merge, and estimate what PFCOUNT gives after PFMERGE", async (_label, a, b) => {
    const left = elements("x", a)
    const right = [...elements("x", a / 2), ...elements("y", b)] // overlapping
    await pfadd("left", left)
    await pfadd("right", right)
    const leftBytes = new Uint8Array((await client.getBuffer("left"))!)
    const rightBytes = new Uint8Array((await client.getBuffer("right"))!)
    const decodedLeft = codec.decode(leftBytes)
    const decodedRight = codec.decode(rightBytes)
    expect(uniques.equals(decodedLeft, uniques.of(...left))).toBe(true)
    expect(hllEstimate(decodedLeft)).toBe(await client.pfcount("left"))

    await client.del("merged")
    await client.pfmerge("merged", "left", "right")
    const merged = uniques.combine(decodedLeft, decodedRight)
    expect(hllEstimate(merged)).toBe(await client.pfcount("merged"))
    expect(uniques.equals(codec.decode(new Uint8Array((await client.getBuffer("merged"))!)), merged)).toBe(true)
    // Bytes Redis wrote and bytes murmur wrote for the same registers carry the same registers.
    expect(Buffer.from(codec.encode(merged)).subarray(16)).toEqual((await client.getBuffer("merged"))!.subarray(16))
  })
})
