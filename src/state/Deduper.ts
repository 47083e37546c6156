import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { StoreError } from "../errors.js"

/**
 * The dedup-claims table of the `claims` strategy. Claims are written by the Store's commit, in
 * the same atomic step as the deltas they cover; this service names where they live and reads them.
 */
export interface DeduperService {
  /** Where claims live: a DynamoDB table name, or "memory". */
  readonly table: string
  /** Which of these claim ids exist and have not expired. */
  readonly claimed: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlySet<string>, StoreError>
}

export class Deduper extends Context.Tag("murmur/Deduper")<Deduper, DeduperService>() {}
