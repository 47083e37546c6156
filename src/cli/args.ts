/**
 * The command line, parsed by hand (no CLI library is installed): a small grammar of commands
 * and flags, every problem a typed `InvalidArguments` carrying the usage text.
 */
import { Duration, Either, Option } from "effect"
import { InvalidArguments } from "./errors.js"

/** `demo`: the embedded end-to-end run. */
export interface DemoCommand {
  readonly _tag: "Demo"
  /** Valid page views to produce. Default 50,000. */
  readonly events: number
  /** Serve the query HTTP API after the report. Default true (`--no-serve` turns it off). */
  readonly serve: boolean
  /** Use the in-memory store even when Java is present. */
  readonly memory: boolean
  /** Port of the query HTTP API. Default 8787. */
  readonly port: number
}

/** `run <module>`: a user's pipeline module against real AWS. */
export interface RunCommand {
  readonly _tag: "Run"
  readonly module: string
  /** `consumer` (default): the polling consumer; `lambda-local`: the Lambda handler fed as AWS feeds it. */
  readonly driver: "consumer" | "lambda-local"
  /** Create the aggregate and checkpoint tables first (`--create-tables`). */
  readonly createTables: boolean
}

/** `query <module> <key>... [--last <duration>]`: read aggregates back. */
export interface QueryCommand {
  readonly _tag: "Query"
  readonly module: string
  readonly keys: ReadonlyArray<string>
  /** For a windowed pipeline: the span read, e.g. `1 hour`. Without it, the all-time value. */
  readonly last: Duration.Duration | undefined
}

/** `help`, `--help`, or no command. */
export interface HelpCommand {
  readonly _tag: "Help"
}

/** A parsed command line. */
export type Command = DemoCommand | RunCommand | QueryCommand | HelpCommand

/** The default port of the demo's query HTTP API. */
export const defaultDemoPort = 8787

/** The default event count of the demo. */
export const defaultDemoEvents = 50_000

/** The help text. */
export const usage = `Usage: murmur <command> [options]

Commands:
  demo                      Start kinesalite and DynamoDB Local in-process, produce page views,
                            aggregate them with the polling consumer and the Lambda handler,
                            print the top pages, verify the totals and serve the query API.
    --events N              Page views to produce (default ${defaultDemoEvents.toLocaleString("en-US")})
    --port N                Port of the query HTTP API on 127.0.0.1 (default ${defaultDemoPort})
    --no-serve              Exit after the report instead of serving until Ctrl-C
    --memory                Use the in-memory store even when Java is installed

  run <module>              Run a pipeline module against AWS until Ctrl-C. The module exports
                            \`pipeline\` and \`decoder\`, optionally \`stream\` and \`app\`.
    --consumer              With the polling consumer (default)
    --lambda-local          With the Lambda handler, fed from GetRecords as the event-source
                            mapping feeds it
    --create-tables         Create the aggregate and checkpoint tables first

  query <module> <key>...   Print the values of keys of a module's pipeline
    --last DURATION         For a windowed pipeline: the last DURATION (1h, 30m, 7d, "2 hours")

  help                      Show this text

Environment of \`run\` and \`query\`: AWS_REGION (or MURMUR_REGION), MURMUR_STREAM (when the module exports no
\`stream\`), MURMUR_APP, MURMUR_CHECKPOINTS_TABLE (default murmur-checkpoints), MURMUR_CLAIMS_TABLE,
MURMUR_STARTING_POSITION (LATEST or TRIM_HORIZON, default LATEST), MURMUR_DYNAMODB_ENDPOINT,
MURMUR_KINESIS_ENDPOINT.`

const invalid = (message: string): Either.Either<never, InvalidArguments> => Either.left(new InvalidArguments({ message, usage }))

/** A whole number within bounds, or why not. */
const wholeNumber = (flag: string, text: string | undefined, min: number, max: number): Either.Either<number, InvalidArguments> => {
  if (text === undefined || text.startsWith("--")) return invalid(`${flag} needs a number`)
  const value = Number(text.replaceAll("_", ""))
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return invalid(`${flag} must be a whole number from ${min} to ${max}, not "${text}"`)
  }
  return Either.right(value)
}

const parseDemo = (args: ReadonlyArray<string>): Either.Either<Command, InvalidArguments> => {
  let events = defaultDemoEvents
  let port = defaultDemoPort
  let serve = true
  let memory = false
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i]!)
    switch (flag) {
      case "--events":
      case "--port": {
        const text = inline ?? args[++i]
        const parsed = flag === "--events" ? wholeNumber(flag, text, 1, 10_000_000) : wholeNumber(flag, text, 0, 65_535)
        if (Either.isLeft(parsed)) return Either.left(parsed.left)
        if (flag === "--events") events = parsed.right
        else port = parsed.right
        break
      }
      case "--no-serve":
        serve = false
        break
      case "--memory":
        memory = true
        break
      default:
        return invalid(`demo: unknown option "${args[i]}"`)
    }
    if (inline !== undefined && flag !== "--events" && flag !== "--port") return invalid(`${flag} takes no value`)
  }
  return Either.right({ _tag: "Demo", events, serve, memory, port })
}

const parseRun = (args: ReadonlyArray<string>): Either.Either<Command, InvalidArguments> => {
  let module: string | undefined
  let driver: RunCommand["driver"] | undefined
  let createTables = false
  for (const arg of args) {
    if (arg === "--consumer" || arg === "--lambda-local") {
      const chosen = arg === "--consumer" ? "consumer" : "lambda-local"
      if (driver !== undefined && driver !== chosen) return invalid("run: give --consumer or --lambda-local, not both")
      driver = chosen
    } else if (arg === "--create-tables") {
      createTables = true
    } else if (arg.startsWith("-")) {
      return invalid(`run: unknown option "${arg}"`)
    } else if (module === undefined) {
      module = arg
    } else {
      return invalid(`run: one module only, got "${module}" and "${arg}"`)
    }
  }
  if (module === undefined) return invalid("run: give the path of a pipeline module")
  return Either.right({ _tag: "Run", module, driver: driver ?? "consumer", createTables })
}

const shorthandUnits: Record<string, string> = { s: "seconds", m: "minutes", h: "hours", d: "days" }

/** `1h`, `30m`, `7d`, `45s`, or anything `Duration.decode` reads (`2 hours`); above zero. */
export const parseDuration = (text: string): Option.Option<Duration.Duration> => {
  const short = /^(\d+)([smhd])$/.exec(text.trim())
  const decoded = Duration.decodeUnknown(short === null ? text.trim() : `${short[1]} ${shorthandUnits[short[2]!]}`)
  return Option.filter(decoded, (duration) => Duration.toMillis(duration) > 0 && Duration.isFinite(duration))
}

const parseQuery = (args: ReadonlyArray<string>): Either.Either<Command, InvalidArguments> => {
  const positional: Array<string> = []
  let last: Duration.Duration | undefined
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i]!)
    if (flag === "--last") {
      const text = inline ?? args[++i]
      const duration = text === undefined ? Option.none() : parseDuration(text)
      if (Option.isNone(duration)) return invalid(`--last needs a duration above zero such as 1h or "90 minutes", not "${text ?? ""}"`)
      last = duration.value
    } else if (flag.startsWith("--")) {
      return invalid(`query: unknown option "${args[i]}"`)
    } else {
      positional.push(args[i]!)
    }
  }
  const [module, ...keys] = positional
  if (module === undefined || keys.length === 0) return invalid("query: give a pipeline module and at least one key")
  return Either.right({ _tag: "Query", module, keys, last })
}

/** `--flag=value` → [`--flag`, `value`]; anything else → [arg, undefined]. */
const splitFlag = (arg: string): readonly [string, string | undefined] => {
  const equals = arg.indexOf("=")
  return arg.startsWith("--") && equals > 2 ? [arg.slice(0, equals), arg.slice(equals + 1)] : [arg, undefined]
}

/**
 * Parses the arguments after the script name (`process.argv.slice(2)`).
 *
 * @example
 * parseArgs(["demo", "--events", "2000", "--no-serve"])
 * // Either.right({ _tag: "Demo", events: 2000, serve: false, memory: false, port: 8787 })
 */
export const parseArgs = (argv: ReadonlyArray<string>): Either.Either<Command, InvalidArguments> => {
  const [command, ...rest] = argv
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return Either.right({ _tag: "Help" })
    case "demo":
      return parseDemo(rest)
    case "run":
      return parseRun(rest)
    case "query":
      return parseQuery(rest)
    default:
      return invalid(`unknown command "${command}"`)
  }
}
