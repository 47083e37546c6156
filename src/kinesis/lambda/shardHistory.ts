import type { KinesisStreamRecord } from "aws-lambda"
import type { RecordOutcome } from "../../processor/types.js"
import { compareSequence } from "../../record/index.js"

// One string comparison in the common case (equal lengths, no leading zeros): sequence numbers of
// one shard share a long prefix, so comparing twice (=== then <) would double the scan.
const isAfter = (sequence: string, than: string): boolean =>
  sequence.length === than.length && sequence.charCodeAt(0) !== 48 && than.charCodeAt(0) !== 48
    ? sequence > than
    : compareSequence(sequence, than) > 0

/** Why a batch looks like one of several running at once on its shard. */
export type Suspicion =
  | { readonly _tag: "NotAscending"; readonly index: number; readonly sequence: string; readonly previous: string }
  /** Records found already applied that this container never saw in an earlier batch. */
  | { readonly _tag: "UnseenDuplicates"; readonly count: number; readonly first: string; readonly highestSeen: string }

/**
 * The free, in-batch check for a parallel event-source mapping, per container. With one reader per
 * shard, a batch is an ascending run of its shard, and a record found already applied (a fenced
 * commit meeting its row's mark inside the batch's range) is one this container saw before, in a
 * batch that was partly reported. Records out of order, or found applied while this container never
 * saw them, mean another batch of the same shard ran at the same time (ParallelizationFactor above
 * 1): it is a suspicion, since a retry may also land on another container after a crash.
 *
 * @example
 * const history = new ShardHistory()
 * const suspicion = history.check(shardId, records, outcomes)
 */
export class ShardHistory {
  // Highest sequence number of every batch this container was given, per shard.
  private readonly highest = new Map<string, string>()

  /**
   * Checks one batch of one shard (after processing; `outcomes` in record order, or undefined when
   * the batch did not run fenced) and remembers its highest sequence number.
   */
  check(
    shardId: string,
    records: ReadonlyArray<KinesisStreamRecord>,
    outcomes: ReadonlyArray<RecordOutcome> | undefined
  ): Suspicion | undefined {
    let suspicion: Suspicion | undefined
    let top: string | undefined
    for (let i = 0; i < records.length; i++) {
      const sequence = records[i]!.kinesis.sequenceNumber
      if (top === undefined || isAfter(sequence, top)) top = sequence
      else if (suspicion === undefined) {
        suspicion = { _tag: "NotAscending", index: i, sequence, previous: records[i - 1]!.kinesis.sequenceNumber }
      }
    }
    const seen = this.highest.get(shardId)
    if (suspicion === undefined && outcomes !== undefined && seen !== undefined) {
      let count = 0
      let first: string | undefined
      for (let i = 0; i < records.length; i++) {
        if (outcomes[i]?._tag !== "Duplicate") continue
        const sequence = records[i]!.kinesis.sequenceNumber
        if (isAfter(sequence, seen)) {
          count++
          first ??= sequence
        }
      }
      if (first !== undefined) suspicion = { _tag: "UnseenDuplicates", count, first, highestSeen: seen }
    }
    if (top !== undefined && (seen === undefined || isAfter(top, seen))) this.highest.set(shardId, top)
    return suspicion
  }
}

/** The log line for a suspicion. */
export const describeSuspicion = (pipeline: string, shardId: string, suspicion: Suspicion): string => {
  const what = suspicion._tag === "NotAscending"
    ? `record #${suspicion.index} (${suspicion.sequence}) is not above the one before it (${suspicion.previous})`
    : `${suspicion.count} record(s) from ${suspicion.first} were found already applied, above anything this container was given (${suspicion.highestSeen})`
  return `murmur: suspected parallel event-source mapping on ${shardId} (pipeline "${pipeline}"): ${what}. ` +
    `If the mapping's ParallelizationFactor is above 1, the fenced strategy drops records: set it to 1 or use delivery "claims".`
}
