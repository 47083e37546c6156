import { Effect, Layer, Option } from "effect"
import type { CommitOutcome, CommitRequest } from "../../../src/state/Commit.js"
import { rowKeyId } from "../../../src/state/RowKey.js"
import { Store, type StoreService } from "../../../src/state/Store.js"

/**
 * A Map-backed Store for the query tests (the in-memory Store layer is written alongside), counting
 * reads and keys read. `commit` applies every contribution (at-least-once), which is all a seed needs.
 */
export const makeTestStore = () => {
  const rows = new Map<string, unknown>()
  let reads = 0
  let keysRead = 0
  const idOf = (table: string, entity: string, bucket: number) => `${table}|${rowKeyId({ entity, bucket })}`
  const read = <V>(table: string, entity: string, bucket: number): Option.Option<V> => {
    const id = idOf(table, entity, bucket)
    return rows.has(id) ? Option.some(rows.get(id) as V) : Option.none()
  }
  const service: StoreService = {
    get: (table, _monoid, key) =>
      Effect.sync(() => {
        reads++
        keysRead++
        return read(table, key.entity, key.bucket)
      }),
    getMany: (table, _monoid, keys) =>
      Effect.sync(() => {
        reads++
        keysRead += keys.length
        return keys.map((key) => read(table, key.entity, key.bucket))
      }),
    commit: <V>(request: CommitRequest<V>) =>
      Effect.sync((): CommitOutcome<V> => {
        const { monoid, table, key } = request
        const applied = request.contributions.reduce((acc, c) => monoid.combine(acc, c.value), monoid.empty)
        const id = idOf(table, key.entity, key.bucket)
        rows.set(id, rows.has(id) ? monoid.combine(rows.get(id) as V, applied) : applied)
        return { applied, alreadyApplied: [] }
      })
  }
  return {
    service,
    layer: Layer.succeed(Store, service),
    reads: () => reads,
    keysRead: () => keysRead,
    seed: <V>(table: string, entity: string, bucket: number, value: V) => {
      rows.set(idOf(table, entity, bucket), value)
    }
  }
}
