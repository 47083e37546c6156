/**
 * In-memory shard leases with the DynamoDB layer's conditions: a take succeeds only on the row it
 * observed, renewals, releases and checkpoints only for the current owner and counter.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { StaleCheckpoint } from "../../errors.js"
import { type Lease, LeaseLost, type LeaseRow, Leases, type LeasesService } from "../Leases.js"
import { compareSequence } from "../../record/index.js"

const groupOf = (app: string, stream: string) => `${app}\u0000${stream}`

const sameRow = (row: LeaseRow | undefined, observed: LeaseRow | undefined): boolean =>
  row === undefined || observed === undefined
    ? row === observed
    : row.owner === observed.owner && row.counter === observed.counter && row.expiresAt === observed.expiresAt

/** A memory lease table and direct access to its rows (for tests). */
export interface MemoryLeases {
  readonly service: LeasesService
  /** Rows of one (app, stream), by shard id. */
  readonly rows: (app: string, stream: string) => ReadonlyMap<string, LeaseRow>
}

/**
 * Makes a memory lease table; workers sharing it behave as workers sharing a DynamoDB table.
 *
 * @example
 * const leases = MemoryLeases.make()
 * const both = [worker("a"), worker("b")].map((w) => w.pipe(Effect.provideService(Leases, leases.service)))
 */
export const make = (): MemoryLeases => {
  const groups = new Map<string, Map<string, LeaseRow>>()
  const group = (app: string, stream: string) => {
    const id = groupOf(app, stream)
    let rows = groups.get(id)
    if (rows === undefined) groups.set(id, rows = new Map())
    return rows
  }
  const rowOf = (lease: Lease) => group(lease.key.app, lease.key.stream).get(lease.key.shardId)
  /** The row when `lease` still holds it, else `LeaseLost`. */
  const held = (lease: Lease): Effect.Effect<LeaseRow, LeaseLost> => {
    const row = rowOf(lease)
    return row !== undefined && row.owner === lease.owner && row.counter === lease.counter
      ? Effect.succeed(row)
      : Effect.fail(
        new LeaseLost({
          shardId: lease.key.shardId,
          owner: lease.owner,
          holder: row?.owner,
          message: `lease of ${lease.key.shardId} is held by ${row?.owner ?? "nobody"} (counter ${row?.counter ?? 0})`
        })
      )
  }
  const put = (lease: Lease, row: LeaseRow) => group(lease.key.app, lease.key.stream).set(lease.key.shardId, row)

  const service: LeasesService = {
    list: (app, stream) => Effect.sync(() => [...group(app, stream).values()]),
    take: (request) =>
      Effect.sync(() => {
        const rows = group(request.key.app, request.key.stream)
        const row = rows.get(request.key.shardId)
        if (!sameRow(row, request.observed)) return Option.none()
        const counter = (row?.counter ?? 0) + 1
        rows.set(request.key.shardId, {
          shardId: request.key.shardId,
          owner: request.owner,
          counter,
          expiresAt: request.expiresAt,
          sequence: row?.sequence,
          finished: row?.finished ?? false,
          parents: request.parents
        })
        return Option.some({ key: request.key, owner: request.owner, counter, expiresAt: request.expiresAt })
      }),
    renew: (lease, expiresAt) =>
      Effect.map(held(lease), (row) => {
        put(lease, { ...row, expiresAt })
        return { ...lease, expiresAt }
      }),
    release: (lease) => Effect.map(held(lease), (row) => void put(lease, { ...row, owner: undefined, expiresAt: undefined })),
    checkpoint: (lease, sequence, finished) =>
      Effect.flatMap(held(lease), (row) => {
        if (sequence !== undefined && row.sequence !== undefined && compareSequence(sequence, row.sequence) < 0) {
          return Effect.fail(
            new StaleCheckpoint({
              shardId: lease.key.shardId,
              attempted: sequence,
              message: `checkpoint of ${lease.key.shardId} is at ${row.sequence}, past ${sequence}`
            })
          )
        }
        put(lease, { ...row, sequence: sequence ?? row.sequence, finished: row.finished || finished })
        return Effect.void
      })
  }
  return { service, rows: (app, stream) => group(app, stream) }
}

/** A fresh memory lease table per layer build. */
export const layer: Layer.Layer<Leases> = Layer.sync(Leases, () => make().service)
