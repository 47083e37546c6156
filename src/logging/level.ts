import * as LogLevel from "effect/LogLevel"
/** The environment variables read for the log level, first set wins. */
export const logLevelVariables = ["MURMUR_LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL", "POWERTOOLS_LOG_LEVEL"] as const

const levels: Record<string, LogLevel.LogLevel> = {
  all: LogLevel.All,
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warn: LogLevel.Warning,
  warning: LogLevel.Warning,
  error: LogLevel.Error,
  critical: LogLevel.Fatal,
  fatal: LogLevel.Fatal,
  none: LogLevel.None,
  off: LogLevel.None,
  silent: LogLevel.None
}

/**
 * Reads a level name as Lambda (`TRACE`…`FATAL`), Powertools (`WARN`, `CRITICAL`, `SILENT`) and
 * Effect (`Warning`, `None`) spell them, in any case; `undefined` for anything else.
 *
 * @example
 * parseLogLevel("warn") // LogLevel.Warning
 */
export const parseLogLevel = (name: string | undefined): LogLevel.LogLevel | undefined =>
  name === undefined ? undefined : levels[name.trim().toLowerCase()]

/**
 * The minimum log level from the environment: `MURMUR_LOG_LEVEL`, else Lambda's
 * `AWS_LAMBDA_LOG_LEVEL` (the level Lambda itself filters at), else `POWERTOOLS_LOG_LEVEL`, else
 * `Info`. Unreadable values are skipped.
 *
 * @example
 * logLevelFromEnv({ MURMUR_LOG_LEVEL: "debug" }) // LogLevel.Debug
 */
export const logLevelFromEnv = (
  env: Readonly<Record<string, string | undefined>> = process.env
): LogLevel.LogLevel => {
  for (const variable of logLevelVariables) {
    const level = parseLogLevel(env[variable])
    if (level !== undefined) return level
  }
  return LogLevel.Info
}
