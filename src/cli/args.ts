/**
 * The command line, parsed by hand (no CLI library is installed): a small grammar of commands
 * and flags, every problem a typed `InvalidArguments` carrying the usage text.
 */
import type * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { parseDuration } from "../window/duration.js"
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
  /** `--workers N`: read the consumer's pipeline with N lease-sharing workers; undefined runs one `runConsumer`. */
  readonly workers?: number | undefined
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
  /** For a bloom pipeline (`--contains`): whether each key may contain this element, instead of values. */
  readonly contains?: string | undefined
}

/** `local [module]`: DynamoDB Local and kinesalite for `run`, `query` and `produce`, until Ctrl-C. */
export interface LocalCommand {
  readonly _tag: "Local"
  /** A pipeline module whose stream and tables to create. */
  readonly module: string | undefined
  /** 0 picks a free port. */
  readonly dynamodbPort: number
  /** 0 picks a free port. */
  readonly kinesisPort: number
  /** Shards of the stream created for the module. Default 1. */
  readonly shards: number
}

/** `produce <module> [file]`: JSON lines (from a file or stdin) onto the module's stream. */
export interface ProduceCommand {
  readonly _tag: "Produce"
  readonly module: string
  /** A file of JSON lines; undefined or `-` reads stdin. */
  readonly file: string | undefined
}

/** `help`, `--help`, `-h`, no command, or `<command> --help`. */
export interface HelpCommand {
  readonly _tag: "Help"
  /** The command asked about, for its own section of the usage. */
  readonly command?: CommandName | undefined
}

/** A parsed command line. */
export type Command = DemoCommand | RunCommand | QueryCommand | LocalCommand | ProduceCommand | HelpCommand

/** The commands, as typed. */
export type CommandName = "demo" | "run" | "query" | "local" | "produce"

/** The default port of the demo's query HTTP API. */
export const defaultDemoPort = 8787

/** The default event count of the demo. */
export const defaultDemoEvents = 50_000

/** The help of each command. */
export const commandUsage: Readonly<Record<CommandName, string>> = {
  demo: `  demo                      Start kinesalite and DynamoDB Local in-process, produce page views,
                            aggregate them with the polling consumer and the Lambda handler,
                            print the top pages, verify the totals and serve the query API.
    --events N              Page views to produce (default ${defaultDemoEvents.toLocaleString("en-US")})
    --port N                Port of the query HTTP API on 127.0.0.1 (default ${defaultDemoPort}; 0 picks a free one)
    --no-serve              Exit after the report instead of serving until Ctrl-C
    --memory                Use the in-memory store even when Java is installed
    --workers N             Run the polling consumer as N lease-sharing workers (runWorker) in
                            this process and show which worker holds which shard (1 to 16)`,
  local: `  local [module]            Start DynamoDB Local and kinesalite for \`run\`, \`query\` and \`produce\`,
                            create the module's stream and tables, print the environment to
                            export, and serve until Ctrl-C.
    --dynamodb-port N       Port of DynamoDB Local (default: a free one)
    --kinesis-port N        Port of kinesalite (default: a free one)
    --shards N              Shards of the stream it creates (default 1)`,
  run: `  run <module>              Run a pipeline module until Ctrl-C. The module exports \`pipeline\`
                            and \`decoder\`, optionally \`stream\` and \`app\`.
    --consumer              With the polling consumer (default)
    --lambda-local          With the Lambda handler, fed from GetRecords as the event-source
                            mapping feeds it
    --create-tables         Create the aggregate and checkpoint tables first`,
  produce: `  produce <module> [file]   Put JSON lines (one event per line, from the file or stdin) onto
                            the module's stream, partitioned by each event's first key`,
  query: `  query <module> <key>...   Print the values of keys of a module's pipeline (sketches as answers:
                            an hll's estimate, a top-K's items, a decayed sum's value now)
    --last DURATION         For a windowed pipeline: the last DURATION (1h, 30m, 7d, "2 hours")
    --contains ELEMENT      For a bloom pipeline: whether each key may contain ELEMENT`
}

const environment = `Environment of \`run\`, \`produce\` and \`query\` (\`murmur local\` prints it for its servers):
AWS_REGION (or MURMUR_REGION), MURMUR_STREAM (when the module exports no \`stream\`), MURMUR_APP,
MURMUR_CHECKPOINTS_TABLE (default murmur-checkpoints), MURMUR_CLAIMS_TABLE, MURMUR_STARTING_POSITION
(LATEST or TRIM_HORIZON, default LATEST), MURMUR_DYNAMODB_ENDPOINT, MURMUR_KINESIS_ENDPOINT.
A module written in TypeScript loads when tsx is installed (npm install -D tsx), or on Node.js 22.18+.`

/** The help text. */
export const usage = `Usage: murmur <command> [options]     (murmur <command> --help for one command)

Commands:
${commandUsage.demo}

${commandUsage.local}

${commandUsage.run}

${commandUsage.produce}

${commandUsage.query}

  help                      Show this text

${environment}`

/**
 * The help for one command, or all of it.
 *
 * @example
 * console.log(usageOf("demo"))
 */
export const usageOf = (command: CommandName | undefined): string =>
  command === undefined ? usage : `Usage: murmur ${command} [options]\n\n${commandUsage[command]}\n\n${environment}`

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
  let workers: number | undefined
  const limits = { "--events": [1, 10_000_000], "--port": [0, 65_535], "--workers": [1, 16] } as const
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i]!)
    switch (flag) {
      case "--events":
      case "--port":
      case "--workers": {
        const [min, max] = limits[flag]
        const parsed = wholeNumber(flag, inline ?? args[++i], min, max)
        if (Either.isLeft(parsed)) return Either.left(parsed.left)
        if (flag === "--events") events = parsed.right
        else if (flag === "--port") port = parsed.right
        else workers = parsed.right
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
    if (inline !== undefined && !Object.hasOwn(limits, flag)) return invalid(`${flag} takes no value`)
  }
  return Either.right({ _tag: "Demo", events, serve, memory, port, ...(workers === undefined ? {} : { workers }) })
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

const parseQuery = (args: ReadonlyArray<string>): Either.Either<Command, InvalidArguments> => {
  const positional: Array<string> = []
  let last: Duration.Duration | undefined
  let contains: string | undefined
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i]!)
    if (flag === "--contains") {
      contains = inline ?? args[++i]
      if (contains === undefined) return invalid("--contains needs an element, e.g. --contains user-42")
    } else if (flag === "--last") {
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
  return Either.right({ _tag: "Query", module, keys, last, ...(contains === undefined ? {} : { contains }) })
}

const parseLocal = (args: ReadonlyArray<string>): Either.Either<Command, InvalidArguments> => {
  let module: string | undefined
  const numbers = { "--dynamodb-port": 0, "--kinesis-port": 0, "--shards": 1 }
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i]!)
    if (flag === "--dynamodb-port" || flag === "--kinesis-port" || flag === "--shards") {
      const parsed = flag === "--shards" ? wholeNumber(flag, inline ?? args[++i], 1, 64) : wholeNumber(flag, inline ?? args[++i], 0, 65_535)
      if (Either.isLeft(parsed)) return Either.left(parsed.left)
      numbers[flag] = parsed.right
    } else if (flag.startsWith("-")) {
      return invalid(`local: unknown option "${args[i]}"`)
    } else if (module === undefined) {
      module = args[i]
    } else {
      return invalid(`local: one module only, got "${module}" and "${args[i]}"`)
    }
  }
  return Either.right({
    _tag: "Local",
    module,
    dynamodbPort: numbers["--dynamodb-port"],
    kinesisPort: numbers["--kinesis-port"],
    shards: numbers["--shards"]
  })
}

const parseProduce = (args: ReadonlyArray<string>): Either.Either<Command, InvalidArguments> => {
  const unknown = args.find((arg) => arg.startsWith("-") && arg !== "-")
  if (unknown !== undefined) return invalid(`produce: unknown option "${unknown}"`)
  const [module, file, ...more] = args
  if (module === undefined) return invalid("produce: give a pipeline module (and a file of JSON lines, or pipe them in)")
  if (more.length > 0) return invalid(`produce: one file only, got "${file}" and "${more[0]}"`)
  return Either.right({ _tag: "Produce", module, file: file === "-" ? undefined : file })
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
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    const topic = command === "help" ? rest[0] : undefined
    return Either.right({ _tag: "Help", command: isCommandName(topic) ? topic : undefined })
  }
  if (!isCommandName(command)) return invalid(`unknown command "${command}"`)
  // Asking for help wins over anything else on the line (`murmur demo --port x --help`).
  if (rest.includes("--help") || rest.includes("-h")) return Either.right({ _tag: "Help", command })
  return parsers[command](rest)
}

const parsers: Readonly<Record<CommandName, (args: ReadonlyArray<string>) => Either.Either<Command, InvalidArguments>>> = {
  demo: parseDemo,
  local: parseLocal,
  run: parseRun,
  produce: parseProduce,
  query: parseQuery
}

const isCommandName = (text: string | undefined): text is CommandName => text !== undefined && Object.hasOwn(commandUsage, text)
