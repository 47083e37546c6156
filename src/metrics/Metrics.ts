import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
/**
 * Counters and latencies, named as the Go library names them: `<pipeline>` (records merged),
 * `<pipeline>:retry`, `<pipeline>:dedup_skip`, `<pipeline>:row_failed` (row commits that failed),
 * `<pipeline>:dead_letter` (records a dead-letter policy skipped), `<pipeline>:decode_error`;
 * latency ops `store_merge`, `cache_merge`. Calls are per batch, not per record, to stay cheap.
 */
export interface MetricsService {
  readonly increment: (name: string, by?: number) => Effect.Effect<void>
  readonly latency: (pipeline: string, op: string, millis: number) => Effect.Effect<void>
  readonly gauge: (name: string, value: number) => Effect.Effect<void>
  /** Records an error under a name (e.g. a cache failure) without failing anything. */
  readonly error: (name: string, error: unknown) => Effect.Effect<void>
}

export class Metrics extends Context.Tag("murmur/Metrics")<Metrics, MetricsService>() {}
