import type { KinesisStreamRecord } from "aws-lambda"

/** An event entry the handler could not identify, and why. */
export interface Unidentified {
  readonly index: number
  readonly reason: string
}

/** The entries of an event, split into records the handler can process and report, and the rest. */
export interface IdentifiedEvent {
  /** Every entry, when all are identified; otherwise only the identified ones. */
  readonly records: ReadonlyArray<KinesisStreamRecord>
  readonly unidentified: ReadonlyArray<Unidentified>
  /** `Records` was present but not an array: nothing in it can be identified. */
  readonly notAnArray: boolean
  /** The first entry is unidentified: reporting the others cannot make Lambda retry it. */
  readonly firstUnidentified: boolean
}

const problemOf = (entry: unknown): string | undefined => {
  if (typeof entry !== "object" || entry === null) return entry === null ? "entry is null" : `entry is a ${typeof entry}`
  const kinesis = (entry as { kinesis?: unknown }).kinesis
  if (typeof kinesis !== "object" || kinesis === null) return kinesis === null ? "kinesis is null" : "no kinesis object"
  const sequence = (kinesis as { sequenceNumber?: unknown }).sequenceNumber
  // Only its presence is checked: a digit-by-digit check would cost a fifth of a batch's processing.
  if (typeof sequence !== "string" || sequence === "") return "no sequenceNumber"
  return undefined
}

/**
 * Looks at whatever Lambda (or a test invoke) passed, never throwing: a record is identified when
 * it has a `kinesis` object with a non-empty `sequenceNumber`, the one thing the handler can report.
 * A missing or null `Records` is an empty event.
 *
 * @example
 * const { records, unidentified } = identifyRecords(event)
 */
export const identifyRecords = (event: unknown): IdentifiedEvent => {
  const entries = typeof event === "object" && event !== null ? (event as { Records?: unknown }).Records : undefined
  if (entries === undefined || entries === null) {
    return { records: [], unidentified: [], notAnArray: false, firstUnidentified: false }
  }
  if (!Array.isArray(entries)) return { records: [], unidentified: [], notAnArray: true, firstUnidentified: false }
  let unidentified: Array<Unidentified> | undefined
  for (let index = 0; index < entries.length; index++) {
    const reason = problemOf(entries[index])
    if (reason !== undefined) (unidentified ??= []).push({ index, reason })
  }
  if (unidentified === undefined) {
    return { records: entries as Array<KinesisStreamRecord>, unidentified: [], notAnArray: false, firstUnidentified: false }
  }
  const skip = new Set(unidentified.map((entry) => entry.index))
  return {
    records: (entries as Array<KinesisStreamRecord>).filter((_, index) => !skip.has(index)),
    unidentified,
    notAnArray: false,
    firstUnidentified: skip.has(0)
  }
}

/** One log line's worth of what could not be identified (indexes and reasons, the first ten). */
export const describeUnidentified = (identified: IdentifiedEvent): string => {
  if (identified.notAnArray) return "the event's Records is not an array"
  const shown = identified.unidentified.slice(0, 10).map(({ index, reason }) => `#${index}: ${reason}`)
  const more = identified.unidentified.length - shown.length
  return `${identified.unidentified.length} record(s) without a usable sequence number (${shown.join("; ")}${
    more > 0 ? `; and ${more} more` : ""
  })`
}
