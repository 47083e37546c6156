/** The in-memory Deduper: reads the claims a memory Store writes in its commits. */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Deduper, type DeduperService } from "../Deduper.js"
import { type ClaimBook, claimedIds, makeClaimBook } from "./claims.js"

/**
 * A memory deduper over a claims book; share the book with `MemoryStore.make(book)`.
 *
 * @example
 * const book = makeClaimBook()
 * const store = MemoryStore.make(book)
 * const deduper = MemoryDeduper.make(book)
 */
export const make = (claims: ClaimBook = makeClaimBook()): DeduperService => ({
  table: "memory",
  claimed: (ids) =>
    Effect.clockWith((clock) =>
      Effect.sync((): ReadonlySet<string> => claimedIds(claims, ids, clock.unsafeCurrentTimeMillis()))
    )
})

/** A memory Deduper over its own (empty) claims book; use `MemoryState.layer` to share one with a Store. */
export const layer: Layer.Layer<Deduper> = Layer.sync(Deduper, () => make())
