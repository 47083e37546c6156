import * as Either from "effect/Either"
import { InvalidConfig } from "../../errors.js"
import type { DeadLetterCallback, DeadLetterPolicy } from "../deadLetter.js"
import type { MappingCheckConfig, MappingCheckMode } from "./mappingCheck.js"

/** Handler options about what may never be lost or stall a shard (part of `KinesisHandlerOptions`). */
export interface DeliveryOptions {
  /**
   * A record that can never succeed (`canNeverSucceed`: DynamoDB rejected its value or key for
   * good): `"stop"` (default) reports it, so Lambda retries it until the mapping's retry or age
   * limit; `"skip"` hands it to `onDeadLetter`, counts `<pipeline>:dead_letter` and moves past it.
   */
  readonly deadLetter?: DeadLetterPolicy | undefined
  readonly onDeadLetter?: DeadLetterCallback | undefined
  /**
   * The cold-start check of the mapping's `ParallelizationFactor`, for pipelines that may fence
   * (`delivery` `"auto"` or `"fenced"`). Above 1, `auto` uses claims when a claims table is
   * configured, and otherwise (or with `fenced`) every record is reported with an error log line.
   * When the factor cannot be read (no `lambda:ListEventSourceMappings` permission, API
   * unreachable): `"warn"` (default) logs a warning and proceeds as configured; `"strict"` treats
   * it as above 1; `"off"` never looks.
   */
  readonly mappingCheck?: MappingCheckMode | undefined
  /** Bound on the look-up at cold start. Default 2000 ms. */
  readonly mappingCheckTimeoutMs?: number | undefined
  /** The function whose mappings are read. Default `AWS_LAMBDA_FUNCTION_NAME` (unset outside Lambda: no check). */
  readonly functionName?: string | undefined
}

/** Delivery options with defaults applied. */
export interface ResolvedDeliveryOptions {
  readonly deadLetter: DeadLetterPolicy
  readonly onDeadLetter: DeadLetterCallback | undefined
  readonly mappingCheck: MappingCheckConfig
}

const fail = (field: string, message: string) => Either.left(new InvalidConfig({ field, message }))

/** Applies the defaults and checks every value. */
export const resolveDeliveryOptions = (
  options: DeliveryOptions = {}
): Either.Either<ResolvedDeliveryOptions, InvalidConfig> => {
  const deadLetter = options.deadLetter ?? "stop"
  if (deadLetter !== "stop" && deadLetter !== "skip") return fail("deadLetter", `deadLetter must be "stop" or "skip"`)
  if (options.onDeadLetter !== undefined && typeof options.onDeadLetter !== "function") {
    return fail("onDeadLetter", "onDeadLetter must be a function")
  }
  const mode = options.mappingCheck ?? "warn"
  if (mode !== "warn" && mode !== "strict" && mode !== "off") {
    return fail("mappingCheck", `mappingCheck must be "warn", "strict" or "off"`)
  }
  const timeoutMs = options.mappingCheckTimeoutMs ?? 2_000
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return fail("mappingCheckTimeoutMs", "mappingCheckTimeoutMs must be a finite number > 0")
  }
  return Either.right({
    deadLetter,
    onDeadLetter: options.onDeadLetter,
    mappingCheck: { functionName: options.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME, mode, timeoutMs }
  })
}
