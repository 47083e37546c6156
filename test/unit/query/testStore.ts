import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { QueryTarget } from "../../../src/query/Query.js"
import type { CommitRequest } from "../../../src/state/Commit.js"
import * as MemoryStore from "../../../src/state/memory/MemoryStore.js"
import { Store, type StoreService } from "../../../src/state/Store.js"

/** A commit that writes one row as an at-least-once pipeline would: how the query tests seed rows. */
export const seedCommit = <V>(target: QueryTarget<V>, entity: string, bucket: number, value: V): CommitRequest<V> => ({
  pipeline: target.name,
  table: target.store,
  monoid: target.monoid,
  key: { entity, bucket },
  ttl: undefined,
  strategy: { _tag: "AtLeastOnce" },
  contributions: [{ eventId: `seed-${entity}-${bucket}`, sequence: undefined, value }]
})

/**
 * The in-memory Store, instrumented for the query tests: it counts reads, keys and ranges read, and seeds
 * rows through an at-least-once commit (as a pipeline with that strategy would write them).
 */
export const makeTestStore = () => {
  const memory = MemoryStore.make()
  let keysRead = 0
  const rangesRead: Array<string> = []
  const service: StoreService = {
    ...memory.service,
    get: (table, monoid, key) => {
      keysRead++
      return memory.service.get(table, monoid, key)
    },
    getMany: (table, monoid, keys) => {
      keysRead += keys.length
      return memory.service.getMany(table, monoid, keys)
    },
    getRange: (table, monoid, entity, range) => {
      rangesRead.push(`${entity} ${range.lo}..${range.hi}`)
      return memory.service.getRange(table, monoid, entity, range)
    }
  }
  return {
    service,
    layer: Layer.succeed(Store, service),
    reads: () => memory.control.readCalls(),
    keysRead: () => keysRead,
    /** Range reads so far, as "entity lo..hi". */
    rangesRead: () => [...rangesRead],
    seed: <V>(target: QueryTarget<V>, entity: string, bucket: number, value: V) => {
      Effect.runSync(memory.service.commit(seedCommit(target, entity, bucket, value)))
    }
  }
}
