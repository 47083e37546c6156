/**
 * `tuple(a, b, …)`: several monoids side by side in one row, combined component by component.
 * Binary format: each component as a u32-length inner value (see `innerValue.ts`), little-endian.
 */
import type { Monoid } from "./Monoid.js"
import { ByteReader, ByteWriter } from "./bytes.js"
import { decodeInner, encodeInner, maxInnerBytes } from "./innerValue.js"
import { MalformedValue } from "./MalformedValue.js"

/** One monoid per component of `Vs`. */
export type MonoidsOf<Vs extends ReadonlyArray<unknown>> = { readonly [I in keyof Vs]: Monoid<Vs[I]> }

/** The `tuple` monoid: its component monoids are there for readers (a query renders each component with its own). */
export interface TupleMonoid<Vs extends ReadonlyArray<unknown>> extends Monoid<Vs> {
  readonly parts: MonoidsOf<Vs>
}

/**
 * Combines tuples component by component. Lawful (commutative, coalescable) whenever every
 * component is.
 *
 * @example
 * const countAndMax = tuple(count, max)
 * countAndMax.combine([1, 5], [1, 9]) // [2, 9]
 */
export const tuple = <const Vs extends ReadonlyArray<unknown>>(...monoids: MonoidsOf<Vs>): TupleMonoid<Vs> => {
  // Component-wise work is written once over `Monoid<unknown>`: each component is its own monoid's value.
  const parts = monoids as unknown as ReadonlyArray<Monoid<unknown>>
  const name = `tuple(${parts.map((m) => m.name).join(", ")})`
  const zip = (f: (monoid: Monoid<unknown>, i: number) => unknown) => parts.map(f) as unknown as Vs
  const sizes = parts.map(maxInnerBytes)
  return {
    kind: "tuple",
    name,
    parts: monoids,
    empty: zip((m) => m.empty),
    combine: (left, right) => zip((m, i) => m.combine(left[i], right[i])),
    commutative: parts.every((m) => m.commutative),
    additive: parts.every((m) => m.additive),
    nativeAdd: false,
    equals: (left, right) => parts.every((m, i) => m.equals(left[i], right[i])),
    codec: {
      storage: "binary",
      encode: (value) => {
        const out = new ByteWriter()
        parts.forEach((m, i) => out.chunk(encodeInner(m, value[i])))
        return out.done()
      },
      decode: (bytes) => {
        const input = new ByteReader(bytes)
        const value = zip((m) => {
          const chunk = input.chunk()
          return input.ok ? decodeInner(m, chunk, name) : m.empty
        })
        if (!input.finished) throw new MalformedValue({ monoid: name, message: `not a ${parts.length}-component tuple` })
        return value
      }
    },
    maxEncodedBytes: sizes.every((s) => s !== undefined) ? sizes.reduce((a: number, s) => a + 4 + s!, 0) : undefined,
    overBudget: (value) => {
      for (let i = 0; i < parts.length; i++) {
        const reason = parts[i]!.overBudget?.(value[i])
        if (reason !== undefined) return reason
      }
      return undefined
    }
  }
}
