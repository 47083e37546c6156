/**
 * Ready-made decoders from a record's bytes to an event. They never throw: every problem is a
 * `DecodeError` whose `reason` says what was wrong. Schema validation is in `schemaDecoder.ts`, so
 * a handler that does not validate bundles no Schema (about 150 KiB of a Lambda bundle).
 */
import * as Either from "effect/Either"
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

// `Unexpected token 'x', "…the record's text…" is not valid JSON` → `Unexpected token 'x'`.
const withoutSnippet = (text: string): string => text.replace(/, "[\s\S]*" is not valid JSON$/, "")

/** Size checks, UTF-8 and JSON.parse: the JSON decoders' shared first step. */
export const parseJson = (data: Uint8Array, maxBytes: number): Either.Either<unknown, DecodeError> => {
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
    // V8 quotes the text around a syntax error; the message keeps only what and where. The
    // SyntaxError is not kept as the cause for the same reason.
    return Either.left(new DecodeError({ reason: "json", message: `not JSON: ${withoutSnippet(message(cause))}` }))
  }
}

const isSchema = (value: unknown): boolean => typeof value === "function" && "ast" in value

/**
 * Decodes UTF-8 JSON; the parsed value is the event, unchecked. To validate it, use
 * `schemaDecoder(schema)`.
 *
 * @example
 * const decoder = jsonDecoder({ maxBytes: 64 * 1024 })
 * decoder.decode(new TextEncoder().encode('{"page":"home"}')) // Either.right({ page: "home" })
 */
export const jsonDecoder = (options?: JsonDecoderOptions): Decoder<unknown> => {
  // JavaScript callers of the old `jsonDecoder(schema)` would otherwise lose validation silently.
  if (isSchema(options)) throw new TypeError("jsonDecoder takes options; validate with schemaDecoder(schema)")
  const maxBytes = options?.maxBytes ?? defaultMaxRecordBytes
  return { decode: (data) => parseJson(data, maxBytes) }
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
