/**
 * Folds a row's contributions into its current value within the monoid's row budget, for the
 * compare-and-swap paths of every store (memory and DynamoDB), so both refuse the same records.
 */
import { RowTooLarge, StoreError } from "../errors.js"
import { dynamoItemLimitBytes, encodedBytes, overBudget } from "../monoid/budget.js"
import type { Monoid } from "../monoid/Monoid.js"
import type { Contribution, Refusal } from "./Commit.js"
import type { RowKey } from "./RowKey.js"

/**
 * The most bytes a value may take when its monoid declares no budget (`maxEncodedBytes`
 * undefined): DynamoDB's 400 KB item limit less 10 KiB for the key, TTL, version and shard marks.
 */
export const rowValueLimitBytes = dynamoItemLimitBytes - 10 * 1024

/** The result of a fold: what to write, and what was left out. */
export interface Folded<V, C> {
  /** The current value combined with every accepted contribution. */
  readonly value: V
  /** The accepted contributions combined from the identity: the delta written now. */
  readonly delta: V
  readonly accepted: ReadonlyArray<C>
  readonly refused: ReadonlyArray<Refusal>
  /** With `stopAtFirst`: every contribution after the first refused one, not applied. */
  readonly held: ReadonlyArray<C>
}

const problemOf = <V>(monoid: Monoid<V>, value: V): string | undefined => {
  if (monoid.codec.storage === "number") return undefined
  const bytes = encodedBytes(monoid, value)
  return monoid.maxEncodedBytes === undefined
    ? bytes > rowValueLimitBytes
      ? `${monoid.name} value would take ${bytes} bytes; a row holds at most ${rowValueLimitBytes}`
      : undefined
    : overBudget(monoid, value, bytes)
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Combines `contributions` (in order) into `current`. The common case, where everything fits,
 * combines once and checks the budget once. Otherwise each contribution is tried in turn: one
 * that would grow the row past its budget is refused with `RowTooLarge`, one whose combine throws
 * with a `StoreError` (reason `defect`), and the rest still apply; with `stopAtFirst` (fenced
 * rows, whose mark must stay a prefix) everything after the first refused one is held back.
 *
 * @example
 * const folded = foldWithin(set, stored, request.contributions, request.table, request.key, false)
 * folded.refused // the records that would push the set past maxMembers
 */
export const foldWithin = <V, C extends Contribution<V>>(
  monoid: Monoid<V>,
  current: V,
  contributions: ReadonlyArray<C>,
  table: string,
  key: RowKey,
  stopAtFirst: boolean
): Folded<V, C> => {
  try {
    let delta = monoid.empty
    for (let i = 0; i < contributions.length; i++) delta = monoid.combine(delta, contributions[i]!.value)
    const value = monoid.combine(current, delta)
    if (problemOf(monoid, value) === undefined) return { value, delta, accepted: contributions, refused: [], held: [] }
  } catch {
    // Found again below, one contribution at a time.
  }
  let value = current
  let delta = monoid.empty
  const accepted: Array<C> = []
  const refused: Array<Refusal> = []
  for (let i = 0; i < contributions.length; i++) {
    const contribution = contributions[i]!
    let error: RowTooLarge | StoreError | undefined
    try {
      const next = monoid.combine(value, contribution.value)
      const problem = problemOf(monoid, next)
      if (problem === undefined) {
        delta = monoid.combine(delta, contribution.value)
        value = next
        accepted.push(contribution)
      } else {
        error = new RowTooLarge({
          table,
          entity: key.entity,
          bucket: key.bucket,
          message: `row ${key.entity}#${key.bucket} of ${table}: ${problem}`
        })
      }
    } catch (cause) {
      error = new StoreError({
        operation: "commit",
        transient: false,
        reason: "defect",
        message: `${monoid.name}.combine threw: ${describe(cause)}`,
        cause
      })
    }
    if (error !== undefined) {
      refused.push({ eventId: contribution.eventId, error })
      if (stopAtFirst) return { value, delta, accepted, refused, held: contributions.slice(i + 1) }
    }
  }
  return { value, delta, accepted, refused, held: [] }
}
