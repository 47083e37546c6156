/**
 * The JSON decoder that validates with a Schema. Its own module so that only handlers that
 * validate bundle Schema's parser (a Schema the user defines brings the rest of Schema anyway).
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import { DecodeError } from "../errors.js"
import { defaultMaxRecordBytes, type JsonDecoderOptions, parseJson } from "./decoders.js"
import { unchangedByDecoding } from "./schemaFastPath.js"
import type { Decoder } from "./types.js"

// The schema's explanation quotes the values it rejected: at most 32 characters of each.
const clipActuals = (text: string): string =>
  text.replace(/actual (.*)$/gm, (_, actual: string) => `actual ${actual.length > 32 ? `${actual.slice(0, 32)}…` : actual}`)

/**
 * Decodes UTF-8 JSON and validates it with a Schema: a value the schema rejects fails with
 * reason `"schema"` and the schema's explanation as message (each rejected value quoted to at
 * most 32 characters).
 *
 * @example
 * const decoder = schemaDecoder(Schema.Struct({ page: Schema.String }))
 * decoder.decode(new TextEncoder().encode('{"page":"home"}')) // Either.right({ page: "home" })
 */
export const schemaDecoder = <A, I>(schema: Schema.Schema<A, I, never>, options?: JsonDecoderOptions): Decoder<A> => {
  const maxBytes = options?.maxBytes ?? defaultMaxRecordBytes
  const validate = ParseResult.decodeUnknownEither(schema)
  // Records the parser would return unchanged skip it (schemaFastPath.ts); the rest go through it.
  const unchanged = unchangedByDecoding(schema.ast)
  return {
    decode: (data): Either.Either<A, DecodeError> => {
      const parsed = parseJson(data, maxBytes)
      if (Either.isLeft(parsed)) return parsed as Either.Either<never, DecodeError>
      if (unchanged !== undefined && unchanged(parsed.right)) return parsed as Either.Either<A, never>
      const valid = validate(parsed.right)
      // A Right carries no error: returned as it is, with no new object per record.
      return Either.isRight(valid)
        ? (valid as Either.Either<A, never>)
        : Either.left(
          new DecodeError({
            reason: "schema",
            message: clipActuals(ParseResult.TreeFormatter.formatIssueSync(valid.left)),
            cause: new ParseResult.ParseError({ issue: valid.left })
          })
        )
    }
  }
}
