import { StoreError } from "../../errors.js"
import type { Monoid } from "../../monoid/Monoid.js"
import { compareSequence } from "../../record/index.js"
import type { CommitOutcome, CommitRequest, Contribution, Refusal } from "../Commit.js"

/** The contributions folded in order from the identity: the delta one write applies. */
export const combineAll = <V>(monoid: Monoid<V>, contributions: ReadonlyArray<Contribution<V>>): V => {
  let acc = monoid.empty
  for (const c of contributions) acc = monoid.combine(acc, c.value)
  return acc
}

/** An outcome where nothing was new. */
export const nothingNew = <V>(monoid: Monoid<V>, alreadyApplied: ReadonlyArray<string>): CommitOutcome<V> => ({
  applied: monoid.empty,
  alreadyApplied
})

/** An outcome with the contributions a fold refused or held back, when there are any. */
export const withRefusals = <V>(
  outcome: CommitOutcome<V>,
  folded: { readonly refused: ReadonlyArray<Refusal>; readonly held: ReadonlyArray<{ readonly eventId: string }> }
): CommitOutcome<V> => {
  if (folded.refused.length === 0 && folded.held.length === 0) return outcome
  return {
    ...outcome,
    refused: [...(outcome.refused ?? []), ...folded.refused],
    ...(folded.held.length === 0 ? {} : { held: [...(outcome.held ?? []), ...folded.held.map((c) => c.eventId)] })
  }
}

/**
 * The fenced strategy's contributions in sequence order, or an error when one has no sequence
 * number (a caller bug: not transient).
 */
export const sequencedContributions = <V>(
  request: CommitRequest<V>
): ReadonlyArray<Contribution<V> & { readonly sequence: string }> | StoreError => {
  for (const c of request.contributions) {
    if (c.sequence === undefined) {
      return new StoreError({
        operation: "commit",
        transient: false,
        reason: "config",
        message: `fenced commit to ${request.table} needs a sequence number on every contribution (event ${c.eventId})`
      })
    }
  }
  const sequenced = request.contributions as ReadonlyArray<Contribution<V> & { readonly sequence: string }>
  let ordered = true
  for (let i = 1; i < sequenced.length && ordered; i++) {
    ordered = compareSequence(sequenced[i - 1]!.sequence, sequenced[i]!.sequence) <= 0
  }
  return ordered ? sequenced : [...sequenced].sort((l, r) => compareSequence(l.sequence, r.sequence))
}

/** Splits contributions at a mark: those at or below it were applied before. */
export const splitAtMark = <C extends { readonly sequence: string }>(
  contributions: ReadonlyArray<C>,
  mark: string | undefined
): { readonly applied: ReadonlyArray<C>; readonly rest: ReadonlyArray<C> } => {
  if (mark === undefined) return { applied: [], rest: contributions }
  const cut = contributions.findIndex((c) => compareSequence(c.sequence, mark) > 0)
  return cut === -1 ? { applied: contributions, rest: [] } : { applied: contributions.slice(0, cut), rest: contributions.slice(cut) }
}
