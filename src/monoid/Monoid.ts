/**
 * The Monoid contract: an identity, an associative combine, and the facts the
 * processor and stores need to treat values efficiently and safely.
 */

/** What kind of monoid this is: drives storage (numeric ADD vs compare-and-swap), coalescing and how reads render it. */
export type MonoidKind =
  | "sum"
  | "count"
  | "min"
  | "max"
  | "first"
  | "last"
  | "set"
  | "hll"
  | "topk"
  | "bloom"
  | "decayedSum"
  | "map"
  | "tuple"
  | "custom"

/**
 * How a value is stored in an aggregate row's `v` attribute.
 * - `number`: a DynamoDB `N` (numeric monoids). `encode` returns `undefined` for an unset value,
 *   and may return decimal text for a value a double cannot hold exactly (an exact `sum`);
 *   `decode` takes the stored text (DynamoDB, Redis) or a number.
 * - `binary`: a DynamoDB `B` (everything else).
 */
export type ValueCodec<V> =
  | {
    readonly storage: "number"
    readonly encode: (value: V) => number | string | undefined
    readonly decode: (stored: number | string) => V
  }
  | {
    readonly storage: "binary"
    readonly encode: (value: V) => Uint8Array
    readonly decode: (stored: Uint8Array) => V
  }

export interface Monoid<V> {
  readonly kind: MonoidKind
  /** Human-readable name, used in error messages and law-kit reports. */
  readonly name: string
  /** The identity: `combine(empty, x) = combine(x, empty) = x`. */
  readonly empty: V
  /** Associative combine. */
  readonly combine: (left: V, right: V) => V
  /** Whether `combine(a, b) = combine(b, a)` holds; the law kit checks it when true. */
  readonly commutative: boolean
  /**
   * Whether deltas for the same (key, bucket) may be combined in memory, in record order, before
   * the store is called (coalescing: one write per row per batch). Associativity makes that valid,
   * so every built-in monoid says true; a custom monoid opts in, since its laws are the user's.
   */
  readonly additive: boolean
  /**
   * Whether the store may apply a delta with a native atomic add (`UpdateItem ADD`) instead of
   * a versioned read-combine-write. Only for plain numeric sums.
   */
  readonly nativeAdd: boolean
  /** Structural equality for values of this monoid (law checks, compare-and-swap). */
  readonly equals: (left: V, right: V) => boolean
  readonly codec: ValueCodec<V>
  /**
   * The most bytes an encoded value of this monoid can take in a row's `v` (the declared
   * worst case, so the planner can keep rows under DynamoDB's 400 KB item limit), or
   * `undefined` when nothing bounds it (a custom monoid, `first`/`last` of arbitrary values).
   */
  readonly maxEncodedBytes: number | undefined
  /**
   * A budget finer than bytes (e.g. `set`'s `maxMembers`), checked by `overBudget`. Returns why
   * the value is too large, or `undefined` when it fits.
   */
  readonly overBudget?: (value: V) => string | undefined
}
