import * as Data from "effect/Data"
/**
 * Stored bytes that are not a value of the monoid reading them (wrong magic, truncated, another
 * precision or capacity). Codecs throw it from `decode`; stores turn it into a malformed-row error.
 *
 * @example
 * try { hll().codec.decode(new Uint8Array(3)) } catch (e) { if (e instanceof MalformedValue) console.log(e.message) }
 */
export class MalformedValue extends Data.TaggedError("MalformedValue")<{
  readonly monoid: string
  readonly message: string
}> {}

/** Throws `MalformedValue` unless `ok`. */
export const expectValid = (ok: boolean, monoid: string, message: string): void => {
  if (!ok) throw new MalformedValue({ monoid, message })
}
