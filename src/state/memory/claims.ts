/**
 * The in-memory claims book shared by the memory Store (which writes claims inside its commit)
 * and the memory Deduper (which reads them): claim id -> expiry in epoch ms.
 */
export interface ClaimBook {
  readonly expiries: Map<string, number>
}

/** A new, empty claims book. */
export const makeClaimBook = (): ClaimBook => ({ expiries: new Map() })

/** Whether a claim exists and has not expired at `nowMs`. */
export const isClaimed = (book: ClaimBook, id: string, nowMs: number): boolean => {
  const expiry = book.expiries.get(id)
  return expiry !== undefined && expiry > nowMs
}
