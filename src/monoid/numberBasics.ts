/** What every numeric monoid shares (count, min, max and the exact sum). */

/** DynamoDB stores at most 38 significant digits: 19 bytes of digits, one of exponent, one more. */
export const numberBytes = 21

/** Equality of numbers in which NaN equals NaN (NaN is a value like any other to the law checks). */
export const sameNumber = (left: number, right: number): boolean =>
  left === right || (Number.isNaN(left) && Number.isNaN(right))
