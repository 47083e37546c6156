/**
 * The in-memory aggregate Store: the same commit semantics as the DynamoDB store (fenced marks,
 * atomic claims, TTL), in synchronous critical sections, so it is atomic under concurrent fibers.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { StoreError } from "../../errors.js"
import type { Monoid } from "../../monoid/Monoid.js"
import type { BucketRange } from "../../window/Window.js"
import { type CommitOutcome, type CommitRequest, type Contribution } from "../Commit.js"
import { type RowKey, rowKeyId } from "../RowKey.js"
import { compareSequence } from "../../record/index.js"
import { type BucketRow, Store, type StoreService } from "../Store.js"
import { foldWithin } from "../foldWithin.js"
import { numberProblem } from "../numberLimits.js"
import { isExpiredAt } from "../ttl.js"
import { type ClaimBook, type ClaimGeneration, claimTotal, makeClaimBook, type RowClaims, rowClaims } from "./claims.js"
import { faultError, FaultPlan } from "./faults.js"

/** One stored aggregate row. */
export interface MemoryRow {
  readonly key: RowKey
  value: unknown
  /** Expiry in epoch seconds. */
  ttl: number | undefined
  /** Per shard id, the highest sequence number applied (fenced strategy). */
  readonly marks: Map<string, string>
}

/** Test instrumentation of a memory store. */
export interface MemoryStoreControl {
  /** Commit calls so far, including failed ones. */
  readonly commitCalls: () => number
  /** `get`, `getMany` and `getRange` calls so far. */
  readonly readCalls: () => number
  /** Fault injection for commits: pin a fault to a call number or install a hook. */
  readonly commitFaults: FaultPlan<CommitRequest<unknown>>
  /** The live row, if present (expired rows included), for assertions. */
  readonly row: (table: string, key: RowKey) => MemoryRow | undefined
  /** Every live row of a table. */
  readonly rows: (table: string) => ReadonlyArray<MemoryRow>
  /** Claims written so far (expired ones included). */
  readonly claimCount: () => number
}

/** A memory store and its instrumentation. */
export interface MemoryStore {
  readonly service: StoreService
  readonly control: MemoryStoreControl
}

interface Selection<V> {
  readonly fresh: ReadonlyArray<Contribution<V>>
  readonly already: Array<string>
  /** The claims this selection wrote (claims strategy): kept after the write, removed if it throws. */
  readonly claimed: { readonly row: RowClaims; readonly generation: ClaimGeneration } | undefined
}

const isExpired = (row: MemoryRow, nowMs: number): boolean => isExpiredAt(row.ttl, nowMs)

// Why DynamoDB could not store a numeric monoid's value, or `undefined`.
const numberOf = <V>(monoid: Monoid<V>, value: V): string | undefined => {
  if (monoid.codec.storage !== "number") return undefined
  const n = monoid.codec.encode(value)
  return n === undefined ? undefined : numberProblem(n)
}

// Probes each bucket of a short range; scans the table for a long one (whichever is fewer steps).
const rangeRows = <V>(
  rows: Map<string, MemoryRow> | undefined,
  entity: string,
  { hi, lo }: BucketRange,
  nowMs: number
): ReadonlyArray<BucketRow<V>> => {
  if (rows === undefined || hi < lo) return []
  const out: Array<BucketRow<V>> = []
  const keep = (row: MemoryRow | undefined) => {
    if (row !== undefined && !isExpired(row, nowMs)) out.push({ bucket: row.key.bucket, value: row.value as V, ttl: row.ttl })
  }
  if (hi - lo < rows.size) {
    for (let bucket = lo; bucket <= hi; bucket++) keep(rows.get(rowKeyId({ entity, bucket })))
    return out
  }
  for (const row of rows.values()) {
    if (row.key.entity === entity && row.key.bucket >= lo && row.key.bucket <= hi) keep(row)
  }
  return out.sort((left, right) => left.bucket - right.bucket)
}

const fencedNeedsSequence = new StoreError({
  operation: "commit",
  transient: false,
  reason: "config",
  message: "a fenced commit needs a sequence number on every contribution"
})

/**
 * Makes a memory store. Pass the `ClaimBook` a memory Deduper reads to share claims with it.
 *
 * @example
 * const { service, control } = MemoryStore.make()
 * control.commitFaults.failCall(2, { phase: "after" })
 */
export const make = (claims: ClaimBook = makeClaimBook()): MemoryStore => {
  const tables = new Map<string, Map<string, MemoryRow>>()
  const commitFaults = new FaultPlan<CommitRequest<unknown>>()
  let commitCalls = 0
  let readCalls = 0

  const tableOf = (table: string): Map<string, MemoryRow> => {
    let rows = tables.get(table)
    if (rows === undefined) {
      rows = new Map()
      tables.set(table, rows)
    }
    return rows
  }

  const readValue = <V>(table: string, key: RowKey, nowMs: number): Option.Option<V> => {
    const row = tables.get(table)?.get(rowKeyId(key))
    return row === undefined || isExpired(row, nowMs) ? Option.none() : Option.some(row.value as V)
  }

  // Splits the contributions into those to apply now and the event ids applied before. Under
  // claims it also writes the claims of the fresh ones (so a repeat within the request is seen);
  // `apply` removes them again if the write then throws: claims and delta land together or not at all.
  const select = <V>(
    request: CommitRequest<V>,
    row: MemoryRow | undefined,
    nowMs: number
  ): Selection<V> | StoreError => {
    const { contributions, strategy } = request
    if (strategy._tag === "AtLeastOnce") return { fresh: contributions, already: [], claimed: undefined }
    const already: Array<string> = []
    if (strategy._tag === "Fenced") {
      const mark = row?.marks.get(strategy.shardId)
      // `fresh` stays the input until the first contribution found applied (the common case: none).
      let freshOnes: Array<Contribution<V>> | undefined
      for (let i = 0; i < contributions.length; i++) {
        const contribution = contributions[i]!
        if (contribution.sequence === undefined) return fencedNeedsSequence
        if (mark !== undefined && compareSequence(contribution.sequence, mark) <= 0) {
          if (freshOnes === undefined) freshOnes = contributions.slice(0, i)
          already.push(contribution.eventId)
        } else if (freshOnes !== undefined) freshOnes.push(contribution)
      }
      return { fresh: freshOnes ?? contributions, already, claimed: undefined }
    }
    const claimsOfRow = rowClaims(claims, request.pipeline, request.key, nowMs)
    const live = claimsOfRow.live
    // `fresh` stays the input until the first contribution found applied (the common case: none).
    let freshOnes: Array<Contribution<V>> | undefined
    for (let i = 0; i < contributions.length; i++) {
      const contribution = contributions[i]!
      const size = live.size
      live.add(contribution.eventId)
      if (live.size === size) {
        if (freshOnes === undefined) freshOnes = contributions.slice(0, i)
        already.push(contribution.eventId)
      } else if (freshOnes !== undefined) freshOnes.push(contribution)
    }
    const fresh = freshOnes ?? contributions
    return {
      fresh,
      already,
      claimed: { row: claimsOfRow, generation: { expiresAtMs: nowMs + strategy.claimTtlSeconds * 1000, claims: fresh } }
    }
  }

  const apply = <V>(request: CommitRequest<V>, nowMs: number): CommitOutcome<V> | StoreError => {
    const rows = tableOf(request.table)
    const id = rowKeyId(request.key)
    let row = rows.get(id)
    // DynamoDB deletes expired rows eventually; reads already treat them as absent, so do writes.
    if (row !== undefined && isExpired(row, nowMs)) {
      rows.delete(id)
      row = undefined
    }
    const selected = select(request, row, nowMs)
    if (selected instanceof StoreError) return selected
    const { monoid } = request
    const { already, claimed, fresh } = selected
    if (fresh.length === 0) return { applied: monoid.empty, alreadyApplied: already }
    const strategy = request.strategy
    let applied: V
    let value: V
    let written: ReadonlyArray<Contribution<V>> = fresh
    let refused: CommitOutcome<V>["refused"]
    let held: Array<string> | undefined
    if (monoid.nativeAdd) {
      try {
        // From the identity, as DynamoDB's ADD: the value takes the monoid's canonical form.
        applied = monoid.empty
        for (let i = 0; i < fresh.length; i++) applied = monoid.combine(applied, fresh[i]!.value)
        value = row === undefined ? applied : monoid.combine(row.value as V, applied)
      } catch (defect) {
        if (claimed !== undefined) for (const { eventId } of fresh) claimed.row.live.delete(eventId)
        throw defect
      }
      // As DynamoDB's ADD: the delta and the new value must both be numbers it can store.
      const problem = numberOf(monoid, applied) ?? numberOf(monoid, value)
      if (problem !== undefined) {
        if (claimed !== undefined) for (const { eventId } of fresh) claimed.row.live.delete(eventId)
        return new StoreError({
          operation: "commit",
          transient: false,
          reason: "validation",
          message: `row ${request.key.entity}#${request.key.bucket} of ${request.table}: ${problem}`
        })
      }
    } else {
      const current = row === undefined ? monoid.empty : row.value as V
      const folded = foldWithin(monoid, current, fresh, request.table, request.key, strategy._tag === "Fenced")
      applied = folded.delta
      value = folded.value
      written = folded.accepted
      if (folded.refused.length > 0) refused = folded.refused
      if (folded.held.length > 0) held = folded.held.map((c) => c.eventId)
      if (written !== fresh && claimed !== undefined) {
        for (const { eventId } of folded.refused) claimed.row.live.delete(eventId)
        for (const { eventId } of folded.held) claimed.row.live.delete(eventId)
      }
    }
    const outcome: CommitOutcome<V> = refused === undefined && held === undefined
      ? { applied, alreadyApplied: already }
      : { applied, alreadyApplied: already, ...(refused === undefined ? {} : { refused }), ...(held === undefined ? {} : { held }) }
    if (written.length === 0) return outcome
    // Only a write that happened keeps its claims, and only then can a sweep expire them.
    if (claimed !== undefined) {
      claimed.row.generations.push(written === fresh ? claimed.generation : { ...claimed.generation, claims: written })
    }
    if (row === undefined) {
      row = { key: request.key, value, ttl: request.ttl, marks: new Map() }
      rows.set(id, row)
    } else {
      row.value = value
      if (request.ttl !== undefined) row.ttl = request.ttl
    }
    if (strategy._tag === "Fenced") row.marks.set(strategy.shardId, written[written.length - 1]!.sequence!)
    return outcome
  }

  const service: StoreService = {
    get: <V>(table: string, _monoid: Monoid<V>, key: RowKey) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          readCalls++
          return readValue<V>(table, key, clock.unsafeCurrentTimeMillis())
        })
      ),
    getMany: <V>(table: string, _monoid: Monoid<V>, keys: ReadonlyArray<RowKey>) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          readCalls++
          const nowMs = clock.unsafeCurrentTimeMillis()
          return keys.map((key) => readValue<V>(table, key, nowMs))
        })
      ),
    getRange: <V>(table: string, _monoid: Monoid<V>, entity: string, range: BucketRange) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          readCalls++
          return rangeRows<V>(tables.get(table), entity, range, clock.unsafeCurrentTimeMillis())
        })
      ),
    commit: <V>(request: CommitRequest<V>) =>
      Effect.clockWith((clock) =>
        Effect.suspend((): Effect.Effect<CommitOutcome<V>, StoreError> => {
          const call = ++commitCalls
          const fault = commitFaults.faultFor(call, request as CommitRequest<unknown>)
          if (fault !== undefined && fault.phase === "before") return Effect.fail(faultError("commit", call, fault))
          const outcome = apply(request, clock.unsafeCurrentTimeMillis())
          if (outcome instanceof StoreError) return Effect.fail(outcome)
          if (fault !== undefined) return Effect.fail(faultError("commit", call, fault))
          return Effect.succeed(outcome)
        })
      )
  }

  const control: MemoryStoreControl = {
    commitCalls: () => commitCalls,
    readCalls: () => readCalls,
    commitFaults,
    row: (table, key) => tables.get(table)?.get(rowKeyId(key)),
    rows: (table) => Array.from(tables.get(table)?.values() ?? []),
    claimCount: () => claimTotal(claims)
  }
  return { service, control }
}

/** A fresh memory Store per layer build. */
export const layer: Layer.Layer<Store> = Layer.sync(Store, () => make().service)
