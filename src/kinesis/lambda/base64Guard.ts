import * as Either from "effect/Either"
import { DecodeError } from "../../errors.js"
import type { Decoder } from "../../processor/types.js"
import { isInvalidBase64Payload } from "./records.js"

/**
 * Wraps a decoder so that records whose Lambda `data` was not valid base64 fail to decode with a
 * typed `DecodeError` instead of reaching the user's decoder as garbage.
 */
export const guardBase64 = <E>(decoder: Decoder<E>): Decoder<E> => ({
  decode: (data) =>
    isInvalidBase64Payload(data)
      ? Either.left(new DecodeError({ reason: "base64", message: "record data is not valid base64" }))
      : decoder.decode(data)
})
