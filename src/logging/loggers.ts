/**
 * Effect `Logger`s for the two places the library runs: JSON lines for Lambda (CloudWatch Logs
 * Insights reads their fields), one readable line for people at a terminal.
 */
import * as Cause from "effect/Cause"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as List from "effect/List"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import { logLevelFromEnv } from "./level.js"

/** Options of the logger layers. */
export interface LoggingOptions {
  /** Where each line goes. Default: standard output (JSON) or standard error (readable). */
  readonly sink?: ((line: string) => void) | undefined
  /** Minimum level. Default: `logLevelFromEnv()`. */
  readonly level?: LogLevel.LogLevel | undefined
}

// Annotation keys whose values are never written, whatever a caller annotates.
const secretKey = /secret|password|passwd|token|credential|authorization|api[-_]?key|session/i

const messageText = (message: unknown): string => {
  const parts = Array.isArray(message) ? message : [message]
  return parts.map((part) => (typeof part === "string" ? part : safeJson(part))).join(" ")
}

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

const fields = (annotations: HashMap.HashMap<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of annotations) out[key] = secretKey.test(key) ? "[redacted]" : value
  return out
}

/**
 * A logger writing one JSON object per line, shaped as Powertools' and Lambda's JSON logs:
 * `timestamp` (ISO-8601), `level`, `message`, then the annotations as top-level fields, the
 * current spans' names (`spans`) and a rendered `cause` when there is one. Annotation keys that
 * look like credentials are redacted.
 *
 * @example
 * Effect.logError("batch failed").pipe(Effect.annotateLogs({ pipeline: "page-views" }), Effect.provide(Logger.replace(Logger.defaultLogger, makeJsonLogger(console.log))))
 */
export const makeJsonLogger = (sink: (line: string) => void): Logger.Logger<unknown, void> =>
  Logger.make(({ annotations, cause, date, logLevel, message, spans }) => {
    const line: Record<string, unknown> = {
      timestamp: date.toISOString(),
      level: logLevel.label,
      message: messageText(message),
      ...fields(annotations)
    }
    if (List.isCons(spans)) line.spans = List.toArray(spans).map((span) => span.label)
    if (!Cause.isEmpty(cause)) line.cause = Cause.pretty(cause, { renderErrorCause: true })
    sink(safeJson(line))
  })

const readableValue = (value: unknown): string => {
  const text = typeof value === "string" ? value : safeJson(value)
  return /[\s"=]/.test(text) ? JSON.stringify(text) : text
}

/**
 * A logger writing one line a person can read: time, level, message, then `key=value` pairs.
 *
 * @example
 * // 12:00:01.123 ERROR records reported failed pipeline=page-views shard=shardId-000000000000
 * makeReadableLogger((line) => process.stderr.write(line + "\n"))
 */
export const makeReadableLogger = (sink: (line: string) => void): Logger.Logger<unknown, void> =>
  Logger.make(({ annotations, cause, date, logLevel, message }) => {
    const pairs = Object.entries(fields(annotations)).map(([key, value]) => ` ${key}=${readableValue(value)}`)
    const time = date.toISOString().slice(11, 23)
    const tail = Cause.isEmpty(cause) ? "" : `\n${Cause.pretty(cause)}`
    sink(`${time} ${logLevel.label.padEnd(5)} ${messageText(message)}${pairs.join("")}${tail}`)
  })

const stdout = (line: string): void => void process.stdout.write(`${line}\n`)
const stderr = (line: string): void => void process.stderr.write(`${line}\n`)

const install = (logger: Logger.Logger<unknown, void>, level: LogLevel.LogLevel | undefined) =>
  Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(level ?? logLevelFromEnv()))

/**
 * Replaces Effect's default logger with JSON lines (the Lambda handler uses it) and sets the
 * minimum level from the environment (`MURMUR_LOG_LEVEL`, `AWS_LAMBDA_LOG_LEVEL`,
 * `POWERTOOLS_LOG_LEVEL`; default `Info`).
 *
 * @example
 * program.pipe(Effect.provide(layerJsonLogger()))
 */
export const layerJsonLogger = (options: LoggingOptions = {}): Layer.Layer<never> =>
  Layer.suspend(() => install(makeJsonLogger(options.sink ?? stdout), options.level))

/**
 * Replaces Effect's default logger with readable lines on standard error (for the CLI) and sets
 * the minimum level from the environment, as `layerJsonLogger` does.
 *
 * @example
 * NodeRuntime.runMain(program.pipe(Effect.provide(layerReadableLogger())))
 */
export const layerReadableLogger = (options: LoggingOptions = {}): Layer.Layer<never> =>
  Layer.suspend(() => install(makeReadableLogger(options.sink ?? stderr), options.level))
