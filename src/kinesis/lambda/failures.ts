import type { KinesisStreamBatchResponse, KinesisStreamRecord } from "./events.js"
import type { RecordOutcome } from "../../processor/types.js"
import type { IdentifiedEvent } from "./identify.js"

/**
 * Builds the response Lambda reads. Only sequence numbers are reported; an empty list means the
 * whole batch succeeded; an identifier is empty only in `wholeBatchFailed`. When
 * a record to report has no sequence number, every sequence number of the batch is reported,
 * so Lambda retries from the lowest one.
 */
const respond = (
  records: ReadonlyArray<KinesisStreamRecord>,
  isFailed: (index: number) => boolean
): KinesisStreamBatchResponse => {
  const failed: Array<string> = []
  let missingIdentifier = false
  records.forEach((record, index) => {
    if (!isFailed(index)) return
    const sequence = record.kinesis?.sequenceNumber
    if (sequence) failed.push(sequence)
    else missingIdentifier = true
  })
  const identifiers = missingIdentifier ? everySequenceNumber(records) : failed
  return { batchItemFailures: identifiers.map((itemIdentifier) => ({ itemIdentifier })) }
}

const everySequenceNumber = (records: ReadonlyArray<KinesisStreamRecord>): Array<string> =>
  records.flatMap((record) => (record.kinesis?.sequenceNumber ? [record.kinesis.sequenceNumber] : []))

/**
 * Maps the processor's outcomes to `batchItemFailures`: every `Failed` and `NotAttempted` record
 * (in in-order mode the first one alone would do, as Lambda retries from the lowest reported; all
 * are reported, which is also right for any other order), and `DecodeFailed` ones only when asked.
 * An outcome missing for a record counts as not attempted. `skipped` records (dead letters moved
 * past) are not reported.
 */
export const responseFromOutcomes = (
  records: ReadonlyArray<KinesisStreamRecord>,
  outcomes: ReadonlyArray<RecordOutcome>,
  reportDecodeErrors: boolean,
  skipped?: ReadonlySet<number>
): KinesisStreamBatchResponse =>
  respond(records, (index) => {
    const outcome = outcomes[index]
    if (outcome === undefined) return true
    if (skipped !== undefined && skipped.has(index)) return false
    switch (outcome._tag) {
      case "Succeeded":
      case "Duplicate":
        return false
      case "DecodeFailed":
        return reportDecodeErrors
      case "Failed":
      case "NotAttempted":
        return true
    }
  })

/** Every record reported failed: processing could not run or ended unexpectedly. */
export const allFailed = (records: ReadonlyArray<KinesisStreamRecord>): KinesisStreamBatchResponse =>
  respond(records, () => true)

/**
 * Fails the whole batch: per Lambda's rules an empty `itemIdentifier` is a full failure, so Lambda
 * retries every record, including those the handler could not identify.
 */
export const wholeBatchFailed: KinesisStreamBatchResponse = { batchItemFailures: [{ itemIdentifier: "" }] }

/**
 * The answer to an event with entries the handler could not identify: nothing is processed, and
 * nothing is answered as a success. Every sequence number it has is reported (Lambda retries from
 * the lowest); when the first entry has none (or none has one), an empty identifier is added,
 * which fails the whole batch, since no reported number would make Lambda retry that entry.
 */
export const responseForUnidentified = (identified: IdentifiedEvent): KinesisStreamBatchResponse => {
  const reported = allFailed(identified.records)
  return identified.notAnArray || identified.firstUnidentified || identified.records.length === 0
    ? { batchItemFailures: [...reported.batchItemFailures, ...wholeBatchFailed.batchItemFailures] }
    : reported
}
