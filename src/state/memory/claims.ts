/**
 * The in-memory claims book shared by the memory Store (which writes claims inside its commit)
 * and the memory Deduper (which reads them). Claims are grouped per (pipeline, row) and keyed by
 * event id, so a commit looks each contribution up without building its full claim id.
 */
import { claimId } from "../Commit.js"
import type { RowKey } from "../RowKey.js"

/**
 * The claims of one (pipeline, row): event id -> expiry, in whole seconds after the book's epoch
 * (small integers are stored unboxed, so a claim allocates no number).
 */
export interface RowClaims {
  readonly pipeline: string
  readonly key: RowKey
  readonly expiries: Map<string, number>
}

export interface ClaimBook {
  readonly rows: Map<string, RowClaims>
  /** Epoch ms that expiries count from; fixed on the first claim. */
  epochMs: number | undefined
}

/** A new, empty claims book. */
export const makeClaimBook = (): ClaimBook => ({ rows: new Map(), epochMs: undefined })

/** The book's clock at `nowMs`, in the unit of its expiries: a claim is live while its expiry is greater. */
export const bookTime = (book: ClaimBook, nowMs: number): number => {
  if (book.epochMs === undefined) book.epochMs = nowMs
  return (nowMs - book.epochMs) / 1000
}

/** The expiry of a claim written at `nowMs` and kept `ttlSeconds` (rounded up to a whole second). */
export const claimExpiry = (book: ClaimBook, nowMs: number, ttlSeconds: number): number =>
  Math.ceil(bookTime(book, nowMs) + ttlSeconds)

/** The claims of a (pipeline, row), created empty on first use. */
export const rowClaims = (book: ClaimBook, pipeline: string, key: RowKey): RowClaims => {
  const id = `${pipeline}\u0000${key.bucket}\u0000${key.entity}`
  let row = book.rows.get(id)
  if (row === undefined) {
    row = { pipeline, key, expiries: new Map() }
    book.rows.set(id, row)
  }
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
  const now = bookTime(book, nowMs)
  for (const row of book.rows.values()) {
    for (const [eventId, expiry] of row.expiries) {
      if (expiry <= now) continue
      const id = claimId(row.pipeline, eventId, row.key)
      if (wanted.has(id)) found.add(id)
    }
  }
  return found
}

/** Claims written so far, expired ones included. */
export const claimTotal = (book: ClaimBook): number => {
  let total = 0
  for (const row of book.rows.values()) total += row.expiries.size
  return total
}
