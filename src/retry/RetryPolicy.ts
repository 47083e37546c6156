/**
 * The retry policy every retrying part of the library takes (processor commits, compare-and-swap
 * conflicts, the drivers' own calls), its defaults, and its resolution: written once, here.
 */
import * as Either from "effect/Either"
import { InvalidConfig } from "../errors.js"

/**
 * How often and how patiently to retry: `maxAttempts` in all, the n-th retry waiting a uniform
 * random time in [0, min(capMs, baseMs·2ⁿ)] (full jitter).
 */
export interface RetryPolicy {
  /** Attempts in all, including the first. Default 3. */
  readonly maxAttempts: number
  /** Default 50 ms. */
  readonly baseMs: number
  /** Default 5000 ms. */
  readonly capMs: number
}

/**
 * The processor's defaults, as the Go library's: 3 attempts, 50 ms base, 5 s cap.
 *
 * @example
 * defaultRetryPolicy.maxAttempts // 3
 */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, baseMs: 50, capMs: 5_000 }

/**
 * The DynamoDB store's compare-and-swap retries inside one commit attempt (the Go library tries
 * 8 times): 8 attempts, 20 ms base, 1 s cap. See the module doc for how they nest.
 *
 * @example
 * DynamoStore.layer({ conflictRetry: { ...defaultConflictPolicy, maxAttempts: 4 } })
 */
export const defaultConflictPolicy: RetryPolicy = { maxAttempts: 8, baseMs: 20, capMs: 1_000 }

/**
 * A whole policy from a partial one: missing fields from `defaults`, attempts at least one and
 * whole, delays not negative. Callers resolve once, where their options enter.
 *
 * @example
 * resolveRetryPolicy({ maxAttempts: 5 }) // { maxAttempts: 5, baseMs: 50, capMs: 5000 }
 */
export const resolveRetryPolicy = (
  overrides: Partial<RetryPolicy> | undefined,
  defaults: RetryPolicy = defaultRetryPolicy
): RetryPolicy => ({
  maxAttempts: Math.max(1, Math.floor(overrides?.maxAttempts ?? defaults.maxAttempts)),
  baseMs: Math.max(0, overrides?.baseMs ?? defaults.baseMs),
  capMs: Math.max(0, overrides?.capMs ?? defaults.capMs)
})

const isNonNegative = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0

/**
 * Checks a user's `retry` option and resolves it, or says what is wrong as an `InvalidConfig` on
 * `field` (the option's name, `"retry"` by default): `maxAttempts` a whole number ≥ 1, `baseMs`
 * and `capMs` finite and ≥ 0, `capMs` ≥ `baseMs`.
 *
 * @example
 * checkRetryPolicy({ maxAttempts: 0 }) // Either.left(InvalidConfig { field: "retry", ... })
 * checkRetryPolicy(undefined) // Either.right(defaultRetryPolicy)
 */
export const checkRetryPolicy = (
  options: Partial<RetryPolicy> | undefined,
  field = "retry",
  defaults: RetryPolicy = defaultRetryPolicy
): Either.Either<RetryPolicy, InvalidConfig> => {
  const fail = (message: string) => Either.left(new InvalidConfig({ field, message: `${field}.${message}` }))
  const maxAttempts = options?.maxAttempts ?? defaults.maxAttempts
  const baseMs = options?.baseMs ?? defaults.baseMs
  const capMs = options?.capMs ?? defaults.capMs
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) return fail("maxAttempts must be a whole number ≥ 1")
  if (!isNonNegative(baseMs)) return fail("baseMs must be a finite number ≥ 0")
  if (!isNonNegative(capMs) || capMs < baseMs) return fail(`capMs must be a finite number ≥ ${field}.baseMs`)
  return Either.right({ maxAttempts, baseMs, capMs })
}
