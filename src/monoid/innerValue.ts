/**
 * A component monoid's value as bytes inside a combinator's value (`mapOf`, `tuple`): a binary
 * codec's bytes as they are; a numeric codec's number as a tag byte (0 unset, 1 set) and an f64.
 */
import type { Monoid } from "./Monoid.js"
import { MalformedValue } from "./MalformedValue.js"

export const encodeInner = <V>(monoid: Monoid<V>, value: V): Uint8Array => {
  const codec = monoid.codec
  if (codec.storage === "binary") return codec.encode(value)
  const n = codec.encode(value)
  if (n === undefined) return new Uint8Array([0])
  const out = new Uint8Array(9)
  out[0] = 1
  // Numbers inside a combinator are doubles (an exact sum's text is rounded to one here).
  new DataView(out.buffer).setFloat64(1, Number(n), true)
  return out
}

export const decodeInner = <V>(monoid: Monoid<V>, bytes: Uint8Array, container: string): V => {
  const codec = monoid.codec
  if (codec.storage === "binary") return codec.decode(bytes)
  if (bytes.length === 1 && bytes[0] === 0) return monoid.empty
  if (bytes.length !== 9 || bytes[0] !== 1) {
    throw new MalformedValue({ monoid: container, message: `a ${monoid.name} component is not a tagged number` })
  }
  return codec.decode(new DataView(bytes.buffer, bytes.byteOffset, 9).getFloat64(1, true))
}

/** The most bytes an inner value takes (numbers: 9), or undefined when unbounded. */
export const maxInnerBytes = <V>(monoid: Monoid<V>): number | undefined =>
  monoid.codec.storage === "number" ? 9 : monoid.maxEncodedBytes
