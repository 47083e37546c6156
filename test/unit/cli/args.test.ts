import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import { defaultDemoEvents, defaultDemoPort, parseArgs, usage, usageOf } from "../../../src/cli/args.js"

const parsed = (argv: ReadonlyArray<string>) => Either.getOrThrow(parseArgs(argv))

const error = (argv: ReadonlyArray<string>) => {
  const result = parseArgs(argv)
  if (Either.isRight(result)) throw new Error(`expected ${argv.join(" ")} to be rejected`)
  return result.left
}

describe("parseArgs", () => {
  it("shows help without a command, and for help, --help and -h", () => {
    for (const argv of [[], ["help"], ["--help"], ["-h"]]) expect(parsed(argv)).toEqual({ _tag: "Help" })
  })

  it("gives the demo its defaults", () => {
    expect(parsed(["demo"])).toEqual({ _tag: "Demo", events: defaultDemoEvents, serve: true, memory: false, port: defaultDemoPort })
  })

  it("reads every demo option, spaced or with =", () => {
    expect(parsed(["demo", "--events", "2000", "--no-serve", "--memory", "--port=9000"])).toEqual({
      _tag: "Demo",
      events: 2000,
      serve: false,
      memory: true,
      port: 9000
    })
    expect(parsed(["demo", "--events=50_000"])).toMatchObject({ events: 50_000 })
  })

  it("rejects bad demo numbers with a typed error carrying the usage", () => {
    for (const argv of [["demo", "--events"], ["demo", "--events", "0"], ["demo", "--events", "1.5"], ["demo", "--events", "many"], ["demo", "--port", "70000"], ["demo", "--events", "--memory"]]) {
      const failure = error(argv)
      expect(failure._tag).toBe("InvalidArguments")
      expect(failure.usage).toBe(usage)
    }
    expect(error(["demo", "--events", "x"]).message).toContain("--events must be a whole number")
  })

  it("rejects unknown demo options and values on flags that take none", () => {
    expect(error(["demo", "--fast"]).message).toBe('demo: unknown option "--fast"')
    expect(error(["demo", "--memory=yes"]).message).toBe("--memory takes no value")
  })

  it("parses run with its driver and flags", () => {
    expect(parsed(["run", "./pipeline.ts"])).toEqual({ _tag: "Run", module: "./pipeline.ts", driver: "consumer", createTables: false })
    expect(parsed(["run", "--lambda-local", "p.ts", "--create-tables"])).toEqual({
      _tag: "Run",
      module: "p.ts",
      driver: "lambda-local",
      createTables: true
    })
  })

  it("rejects run without a module, with two modules, or with both drivers", () => {
    expect(error(["run"]).message).toContain("give the path of a pipeline module")
    expect(error(["run", "a.ts", "b.ts"]).message).toContain("one module only")
    expect(error(["run", "a.ts", "--consumer", "--lambda-local"]).message).toContain("not both")
    expect(error(["run", "a.ts", "--fast"]).message).toBe('run: unknown option "--fast"')
  })

  it("parses query with keys and an optional --last in shorthand or Effect form", () => {
    expect(parsed(["query", "p.ts", "page:/", "page:/docs"])).toEqual({ _tag: "Query", module: "p.ts", keys: ["page:/", "page:/docs"], last: undefined })
    expect(parsed(["query", "p.ts", "k", "--last", "1h"])).toMatchObject({ last: Duration.hours(1) })
    expect(parsed(["query", "p.ts", "k", "--last=90 minutes"])).toMatchObject({ last: Duration.minutes(90) })
    expect(parsed(["query", "p.ts", "k", "--last", "7d"])).toMatchObject({ last: Duration.days(7) })
  })

  it("rejects query without keys, with a zero or unreadable --last, or an unknown option", () => {
    expect(error(["query", "p.ts"]).message).toContain("at least one key")
    expect(error(["query", "p.ts", "k", "--last", "0h"]).message).toContain("--last needs a duration above zero")
    expect(error(["query", "p.ts", "k", "--last", "soon"]).message).toContain('not "soon"')
    expect(error(["query", "p.ts", "k", "--last"]).message).toContain("--last needs")
    expect(error(["query", "p.ts", "k", "--top"]).message).toBe('query: unknown option "--top"')
  })

  it("answers --help (or -h) after any command with that command's help, whatever else is on the line", () => {
    for (const command of ["demo", "run", "query", "local", "produce"] as const) {
      expect(parsed([command, "--help"])).toEqual({ _tag: "Help", command })
      expect(parsed([command, "--port", "nope", "-h"])).toEqual({ _tag: "Help", command })
      expect(usageOf(command)).toContain(`Usage: murmur ${command}`)
    }
    expect(parsed(["help", "local"])).toEqual({ _tag: "Help", command: "local" })
    expect(usageOf("demo")).toContain("--no-serve")
    expect(usageOf("demo")).not.toContain("--lambda-local")
    expect(usage).toContain("murmur <command> --help")
  })

  it("parses local with its ports and shards, free ports by default", () => {
    expect(parsed(["local"])).toEqual({ _tag: "Local", module: undefined, dynamodbPort: 0, kinesisPort: 0, shards: 1 })
    expect(parsed(["local", "p.ts", "--dynamodb-port", "8000", "--kinesis-port=4567", "--shards", "4"])).toEqual({
      _tag: "Local",
      module: "p.ts",
      dynamodbPort: 8000,
      kinesisPort: 4567,
      shards: 4
    })
    expect(error(["local", "--shards", "0"]).message).toContain("--shards must be a whole number from 1 to 64")
    expect(error(["local", "a.ts", "b.ts"]).message).toContain("one module only")
    expect(error(["local", "--fast"]).message).toBe('local: unknown option "--fast"')
  })

  it("parses produce with a file, or stdin without one or with -", () => {
    expect(parsed(["produce", "p.ts", "events.ndjson"])).toEqual({ _tag: "Produce", module: "p.ts", file: "events.ndjson" })
    expect(parsed(["produce", "p.ts"])).toEqual({ _tag: "Produce", module: "p.ts", file: undefined })
    expect(parsed(["produce", "p.ts", "-"])).toEqual({ _tag: "Produce", module: "p.ts", file: undefined })
    expect(error(["produce"]).message).toContain("give a pipeline module")
    expect(error(["produce", "p.ts", "a", "b"]).message).toContain("one file only")
  })

  it("rejects an unknown command", () => {
    expect(error(["deploy"]).message).toBe('unknown command "deploy"')
  })
})
