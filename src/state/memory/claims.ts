/**
 * The in-memory claims book shared by the memory Store (which writes claims inside its commit)
 * and the memory Deduper (which reads them). Claims are grouped per (pipeline, row): a set of live
 * event ids, plus the generations they were written in (one per commit, with one expiry), swept
 * in write order. So a claim costs one set insertion and no per-claim expiry.
 */
import { claimId } from "../Commit.js"
import type { RowKey } from "../RowKey.js"

/** The event ids claimed by one commit, and when they expire (epoch ms). */
export interface ClaimGeneration {
  readonly expiresAtMs: number
  readonly claims: ReadonlyArray<{ readonly eventId: string }>
}

/** The claims of one (pipeline, row). */
export interface RowClaims {
  readonly pipeline: string
  readonly key: RowKey
  readonly live: Set<string>
  readonly generations: Array<ClaimGeneration>
}

export interface ClaimBook {
  readonly rows: Map<string, RowClaims>
}

/** A new, empty claims book. */
export const makeClaimBook = (): ClaimBook => ({ rows: new Map() })

/**
 * Drops the generations expired at `nowMs`, oldest first. Generations are swept in write order,
 * so with a TTL that shrinks over time a claim may outlive its TTL (never the reverse).
 */
export const sweep = (row: RowClaims, nowMs: number): void => {
  const generations = row.generations
  let expired = 0
  while (expired < generations.length && generations[expired]!.expiresAtMs <= nowMs) {
    for (const { eventId } of generations[expired]!.claims) row.live.delete(eventId)
    expired++
  }
  if (expired > 0) generations.splice(0, expired)
}

/** The claims of a (pipeline, row), created empty on first use and swept at `nowMs`. */
export const rowClaims = (book: ClaimBook, pipeline: string, key: RowKey, nowMs: number): RowClaims => {
  const id = `${pipeline}\u0000${key.bucket}\u0000${key.entity}`
  let row = book.rows.get(id)
  if (row === undefined) {
    row = { pipeline, key, live: new Set(), generations: [] }
    book.rows.set(id, row)
  } else sweep(row, nowMs)
  return row
}

/**
 * Which of these claim ids (see `claimId`) exist and have not expired at `nowMs`. It scans the
 * book, which suits a test double: the processor's commits never call it.
 */
export const claimedIds = (book: ClaimBook, ids: ReadonlyArray<string>, nowMs: number): Set<string> => {
  const wanted = new Set(ids)
  const found = new Set<string>()
  if (wanted.size === 0) return found
  for (const row of book.rows.values()) {
    sweep(row, nowMs)
    for (const eventId of row.live) {
      const id = claimId(row.pipeline, eventId, row.key)
      if (wanted.has(id)) found.add(id)
    }
  }
  return found
}

/** Claims held (expired ones count until a commit or read of their row sweeps them). */
export const claimTotal = (book: ClaimBook): number => {
  let total = 0
  for (const row of book.rows.values()) total += row.live.size
  return total
}
