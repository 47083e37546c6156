/**
 * The exactly-once check of the `visitors` pipeline, whose rows are sketches (a tuple of an HLL, an
 * exact top-K and a truncating top-2, see pipelines.ts): what the table holds against sketches
 * built in memory from the workload, each event counted once.
 *
 * Which parts must be identical bytes, and why:
 * - the HLL: merging is a register-wise max (order-free, and idempotent) and murmur writes Redis's
 *   string canonically (a function of the registers alone), so however the records were batched,
 *   retried or redelivered, the stored bytes equal a sketch of every user added once. Being
 *   idempotent, an HLL shows lost deltas, never doubled ones: the exact top-K shows those;
 * - the top-K of countries: k (10) is above the workload's 5 countries, so Misra-Gries never
 *   truncates and its counts are exact sums: the same bytes, and a doubled or lost delta on the
 *   compare-and-swap path changes a count;
 * - the top-2 is not: once more than k items are summed, truncation depends on the grouping, so
 *   bytes differ with batching. It must keep the Misra-Gries bounds instead: each count at most the
 *   truth and at least the truth minus N/(k+1) (N = the page's events), so a country above
 *   N/(k+1) is always listed.
 * The HLL estimate must also sit within its bound of the exact distinct count.
 */
import { type DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb"
import { hllEstimate, type Monoid } from "../../src/monoid/index.js"
import { type ConformancePipelines, visitorSketches } from "./pipelines.js"
import type { PageVisitors } from "./workload.js"

/** A sketch's codec, which writes bytes. */
const binary = <V>(monoid: Monoid<V>) => {
  const codec = monoid.codec
  if (codec.storage !== "binary") throw new Error(`${monoid.name} is not stored as bytes`)
  return codec
}

const { countries, top2, users } = visitorSketches
const usersCodec = binary(users)
const countriesCodec = binary(countries)
const top2Codec = binary(top2)

/** Every row of the visitors table: page → the raw bytes of `v` (all-time rows only). */
export const readVisitors = async (client: DynamoDBClient, pipelines: ConformancePipelines): Promise<Map<string, Uint8Array>> => {
  const rows = new Map<string, Uint8Array>()
  for await (const page of paginateScan({ client }, { TableName: pipelines.visitors.store, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      rows.set(item.sk?.N === "0" ? item.pk!.S! : `${item.pk?.S}|${item.sk?.N}`, item.v?.B ?? new Uint8Array())
    }
  }
  return rows
}

/** The components of a tuple's bytes as stored: each a u32 (little-endian) length and its bytes. */
const components = (bytes: Uint8Array): Array<Uint8Array> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Array<Uint8Array> = []
  for (let at = 0; at + 4 <= bytes.length;) {
    const length = view.getUint32(at, true)
    out.push(bytes.subarray(at + 4, at + 4 + length))
    at += 4 + length
  }
  return out
}

const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? "absent" : Buffer.from(bytes).toString("hex"))

// 1.04/√16384 = 0.81 % standard error at precision 14: 4 of them, and at least one element, is a
// bound an honest sketch breaks about once in 15,000 pages.
const estimateSlack = (distinct: number) => Math.max(1, 4 * 0.0081 * distinct)

/**
 * Why the stored visitors rows are not what each event applied once gives: one line per problem,
 * none when exact.
 */
export const visitorProblems = (
  stored: ReadonlyMap<string, Uint8Array>,
  expected: ReadonlyMap<string, PageVisitors>
): Array<string> => {
  const problems: Array<string> = []
  for (const page of stored.keys()) if (!expected.has(page)) problems.push(`${page}: a row no event made`)
  for (const [page, want] of expected) {
    const bytes = stored.get(page)
    if (bytes === undefined) {
      problems.push(`${page}: no row`)
      continue
    }
    const [userBytes, countryBytes, top2Bytes] = components(bytes)
    const once = users.counter()
    for (const user of want.users) once.add(user)
    if (hex(userBytes) !== hex(usersCodec.encode(once.toHll()))) problems.push(`${page}: HLL bytes differ from the sketch of each user once`)
    const estimate = userBytes === undefined ? 0 : hllEstimate(usersCodec.decode(userBytes))
    if (Math.abs(estimate - want.users.size) > estimateSlack(want.users.size)) {
      problems.push(`${page}: HLL estimates ${estimate} distinct users, there are ${want.users.size}`)
    }
    if (hex(countryBytes) !== hex(countriesCodec.encode(countries.fromCounts(want.countries)))) {
      problems.push(`${page}: top-K of countries differs from the exact counts`)
    }
    const listed = new Map(top2Bytes === undefined ? [] : top2Codec.decode(top2Bytes).map(({ count, item }) => [item, count]))
    const slack = want.events / (top2.k + 1)
    for (const [country, truth] of want.countries) {
      const got = listed.get(country) ?? 0
      if (got > truth || got < truth - slack) problems.push(`${page}: top-2 counts ${country} ${got} times, truth ${truth} (±${slack})`)
    }
  }
  return problems
}
