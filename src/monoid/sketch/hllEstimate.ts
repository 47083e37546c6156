/**
 * Otmar Ertl's improved raw estimator for HyperLogLog ("New cardinality estimation algorithms
 * for HyperLogLog sketches", arXiv:1702.01284), the estimator Redis's PFCOUNT uses. Evaluated
 * in the same order of floating-point operations as Redis, so both give the same integer.
 */

const ALPHA_INF = 0.5 / Math.LN2 // Redis writes it as the literal 0.721347520444481703680

const sigma = (x: number): number => {
  if (x === 1) return Infinity
  let y = 1
  let z = x
  let previous: number
  do {
    x *= x
    previous = z
    z += x * y
    y += y
  } while (previous !== z)
  return z
}

const tau = (x: number): number => {
  if (x === 0 || x === 1) return 0
  let y = 1
  let z = 1 - x
  let previous: number
  do {
    x = Math.sqrt(x)
    previous = z
    y *= 0.5
    z -= Math.pow(1 - x, 2) * y
  } while (previous !== z)
  return z / 3
}

/**
 * The cardinality estimate from a histogram of register values: `histogram[r]` registers hold
 * `r`; `q = 64 − precision` is the largest rank a hash can give minus one.
 */
export const ertlEstimate = (histogram: ArrayLike<number>, precision: number): number => {
  const m = 2 ** precision
  const q = 64 - precision
  let z = m * tau((m - (histogram[q + 1] ?? 0)) / m)
  for (let j = q; j >= 1; --j) {
    z += histogram[j] ?? 0
    z *= 0.5
  }
  z += m * sigma((histogram[0] ?? 0) / m)
  return Math.round((ALPHA_INF * m * m) / z)
}
