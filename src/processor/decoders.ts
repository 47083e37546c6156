/**
 * Ready-made decoders from a record's bytes to an event. They never throw: every problem is a
 * `DecodeError` whose `reason` says what was wrong.
 */
import { Either, ParseResult, Schema } from "effect"
import { DecodeError } from "../errors.js"
import type { Decoder } from "./types.js"

/** Records above this many bytes are rejected unread by default: 1 MiB, Kinesis' record limit. */
export const defaultMaxRecordBytes = 1024 * 1024

export interface JsonDecoderOptions {
  /** Larger records fail with reason `"too-large"`. Default 1 MiB. */
  readonly maxBytes?: number
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

// Shared by the JSON decoders: size checks, UTF-8 and JSON.parse.
const parseJson = (data: Uint8Array, maxBytes: number): Either.Either<unknown, DecodeError> => {
  if (data.length === 0) return Either.left(new DecodeError({ reason: "empty", message: "the record is empty" }))
  if (data.length > maxBytes) {
    return Either.left(
      new DecodeError({ reason: "too-large", message: `the record has ${data.length} bytes, over the ${maxBytes} limit` })
    )
  }
  let text: string
  try {
    text = utf8.decode(data)
  } catch (cause) {
    return Either.left(new DecodeError({ reason: "json", message: `not UTF-8: ${message(cause)}`, cause }))
  }
  try {
    return Either.right(JSON.parse(text))
  } catch (cause) {
    return Either.left(new DecodeError({ reason: "json", message: `not JSON: ${message(cause)}`, cause }))
  }
}

/**
 * Decodes UTF-8 JSON and validates it with a Schema; without a schema the parsed JSON is the event.
 *
 * @example
 * const decoder = jsonDecoder(Schema.Struct({ page: Schema.String }))
 * decoder.decode(new TextEncoder().encode('{"page":"home"}')) // Either.right({ page: "home" })
 */
export function jsonDecoder<A, I>(schema: Schema.Schema<A, I, never>, options?: JsonDecoderOptions): Decoder<A>
export function jsonDecoder(schema?: undefined, options?: JsonDecoderOptions): Decoder<unknown>
export function jsonDecoder<A, I>(schema?: Schema.Schema<A, I, never>, options?: JsonDecoderOptions): Decoder<unknown> {
  const maxBytes = options?.maxBytes ?? defaultMaxRecordBytes
  if (schema === undefined) return { decode: (data) => parseJson(data, maxBytes) }
  const validate = Schema.decodeUnknownEither(schema)
  return {
    decode: (data) => {
      const parsed = parseJson(data, maxBytes)
      if (Either.isLeft(parsed)) return parsed
      const valid = validate(parsed.right)
      return Either.isRight(valid)
        ? Either.right(valid.right)
        : Either.left(
          new DecodeError({
            reason: "schema",
            message: ParseResult.TreeFormatter.formatErrorSync(valid.left),
            cause: valid.left
          })
        )
    }
  }
}

/**
 * Wraps a function over the raw bytes. It may return the event, return an `Either` (its `Left`
 * becomes the error's `cause`), or throw; errors become `DecodeError` with reason `"custom"`.
 * An event that is itself an `Either` must be wrapped: return `Either.right(event)`.
 *
 * @example
 * const decoder = customDecoder((bytes) => ({ size: bytes.length }))
 */
export const customDecoder = <E>(decode: (data: Uint8Array) => E | Either.Either<E, unknown>): Decoder<E> => ({
  decode: (data) => {
    try {
      const result = decode(data)
      if (!Either.isEither(result)) return Either.right(result)
      return Either.isRight(result)
        ? Either.right(result.right)
        : Either.left(new DecodeError({ reason: "custom", message: message(result.left), cause: result.left }))
    } catch (cause) {
      return Either.left(new DecodeError({ reason: "custom", message: message(cause), cause }))
    }
  }
})

/**
 * The record as UTF-8 text (invalid UTF-8 fails with reason `"custom"`).
 *
 * @example
 * textDecoder.decode(new TextEncoder().encode("hi")) // Either.right("hi")
 */
export const textDecoder: Decoder<string> = customDecoder((data) => utf8.decode(data))

/** The raw bytes, unchanged. */
export const bytesDecoder: Decoder<Uint8Array> = { decode: (data) => Either.right(data) }
