import type { KinesisStreamRecord } from "./events.js"
import type { SourceRecord } from "../../processor/types.js"
import { lambdaEventId } from "../../record/index.js"

/**
 * Strict base64: Node's decoder silently skips characters outside the alphabet, so a payload is
 * valid only when its length is a multiple of 4 and nothing was skipped.
 */
const decodeBase64Strict = (text: string): Uint8Array | undefined => {
  if (text.length % 4 !== 0) return undefined
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0
  const bytes = Buffer.from(text, "base64")
  return bytes.length === (text.length / 4) * 3 - padding ? bytes : undefined
}

/**
 * Byte arrays standing for records whose `data` was not base64. The driver marks them here and
 * its decoder guard turns them into a typed `DecodeError`, so the processor's own decode-error
 * path (metric, callback, outcome) handles them like any other undecodable record.
 */
const undecodablePayloads = new WeakSet<Uint8Array>()

/** True when these bytes are the raw text of a record whose `data` was not valid base64. */
export const isInvalidBase64Payload = (data: Uint8Array): boolean => undecodablePayloads.has(data)

/** The shard a Lambda record came from: the part of `eventID` before the colon. */
export const shardIdOf = (record: KinesisStreamRecord): string | undefined => {
  const eventId = record.eventID ?? ""
  const colon = eventId.indexOf(":")
  return colon > 0 ? eventId.slice(0, colon) : undefined
}

/** Stable event id across redeliveries, as the Go library forms it: `<eventSourceARN>/<sequenceNumber>`. */
export const eventIdOf = (record: KinesisStreamRecord): string =>
  lambdaEventId(record.eventSourceARN, record.kinesis.sequenceNumber)

/**
 * Maps a Lambda Kinesis record to the processor's `SourceRecord`. Event time is the arrival
 * timestamp (epoch seconds, fractional); `nowMs` is used only when that is absent or zero.
 */
export const toSourceRecord = (record: KinesisStreamRecord, nowMs: number): SourceRecord => {
  const payload = record.kinesis
  const arrivalSeconds = payload.approximateArrivalTimestamp
  let data = decodeBase64Strict(payload.data ?? "")
  if (data === undefined) {
    // Keep the raw text so the decode-error callback can show what arrived.
    data = new Uint8Array(Buffer.from(String(payload.data), "utf8"))
    undecodablePayloads.add(data)
  }
  return {
    eventId: eventIdOf(record),
    eventTimeMs: arrivalSeconds > 0 ? Math.round(arrivalSeconds * 1000) : nowMs,
    data,
    sequence: payload.sequenceNumber,
    partitionKey: payload.partitionKey
  }
}

/** The shard all records share, or undefined when they are not all from one identifiable shard. */
export const commonShardId = (records: ReadonlyArray<KinesisStreamRecord>): string | undefined => {
  const first = records[0]
  if (first === undefined) return undefined
  const shardId = shardIdOf(first)
  if (shardId === undefined) return undefined
  // Compared in place: slicing every record's eventID would allocate a string per record.
  const colon = shardId.length
  for (const record of records) {
    const eventId = record.eventID
    if (typeof eventId !== "string" || eventId.charCodeAt(colon) !== 58 || !eventId.startsWith(shardId)) return undefined
  }
  return shardId
}
