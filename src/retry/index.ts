/**
 * Retry policy and backoff schedules, shared by the state layers, the processor and the drivers.
 *
 * One option shape everywhere: `retry?: Partial<RetryPolicy>` (`maxAttempts`, `baseMs`, `capMs`),
 * resolved with `resolveRetryPolicy` (or checked with `checkRetryPolicy`) once, where the options
 * enter; everything below takes the resolved `RetryPolicy`.
 *
 * Retries nest, and the product is bounded:
 * - the processor attempts each row commit up to `retry.maxAttempts` times (default 3);
 * - inside each attempt, the DynamoDB store retries a lost compare-and-swap (monoids without a
 *   native add, and every claims transaction) up to `conflictRetry.maxAttempts` times (default 8)
 *   before returning a transient `StoreError` to the processor;
 * - the SDK's own retries are off in the clients the library builds (`sdkMaxAttempts: 1`), so there
 *   is no third level (raising it multiplies again).
 *
 * So by default a row costs at most 3 × 8 = 24 conditional writes per batch, and waits at most
 * 3 × 2.26 s (conflict backoff) + 0.15 s (processor backoff) ≈ 6.9 s in backoff before its records
 * are reported failed. Numeric (ADD) rows have no conflict loop (a fenced ADD writes again only
after dropping records the row already holds, so at most once per record). Above the
 * processor, the polling consumer retries a batch whose failures may pass later until it is done
 * (a record that can never succeed goes to its dead-letter policy instead), backing off with
 * `retry.baseMs`/`retry.capMs`; the Lambda handler leaves that level to the event-source mapping
 * (its `MaximumRetryAttempts`).
 *
 * @example
 * import { resolveRetryPolicy, retrySchedule } from "./retry/index.js"
 * Effect.retry(call, { schedule: retrySchedule(resolveRetryPolicy({ maxAttempts: 5 })), while: isTransient })
 */
export {
  checkRetryPolicy,
  defaultConflictPolicy,
  defaultRetryPolicy,
  resolveRetryPolicy,
  type RetryPolicy
} from "./RetryPolicy.js"
export { type Backoff, backoffCeilingMs, fullJitterBackoff, retrySchedule, worstCaseBackoffMs } from "./schedules.js"
