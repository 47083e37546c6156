/**
 * `murmur produce <module> [file]`: test events onto the module's stream, one JSON event per line
 * of a file or of stdin. Each is put with its first key as partition key (so one key stays on one
 * shard, in order); a line the module's decoder rejects is put anyway, under its line number, and
 * reported, so malformed input can be tested too.
 */
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"
import { InvalidConfig } from "../errors.js"
import { KinesisClient } from "../kinesis/stream/KinesisApi.js"
import type { ProduceCommand } from "./args.js"
import { produce } from "./demo/produce.js"
import type { ProducedRecord } from "./demo/generate.js"
import { loadPipelineModule, type PipelineModule } from "./pipelineModule.js"
import { formatCount } from "./progress.js"
import { runEnvironment, streamOf } from "./runConfig.js"

/** The non-blank lines of a file, or of stdin without one. */
const readLines = (file: string | undefined): Effect.Effect<ReadonlyArray<string>, InvalidConfig> =>
  Effect.tryPromise({
    try: async () => {
      const lines: Array<string> = []
      const input = file === undefined ? process.stdin : createReadStream(file)
      for await (const line of createInterface({ input, crlfDelay: Infinity })) if (line.trim() !== "") lines.push(line)
      return lines
    },
    catch: (cause) => new InvalidConfig({ field: "file", message: `could not read ${file ?? "stdin"}: ${cause instanceof Error ? cause.message : String(cause)}` })
  })

const encoder = new TextEncoder()

/**
 * The records to put for `lines`: each line's bytes, keyed by its event's first key, and the
 * lines that do not decode (1-based number and why).
 *
 * @example
 * const { records, rejected } = recordsFromLines(module, ['{"page":"/"}', "{oops"])
 */
export const recordsFromLines = (module: PipelineModule, lines: ReadonlyArray<string>) => {
  const rejected: Array<{ readonly line: number; readonly message: string }> = []
  const records: Array<ProducedRecord> = lines.map((line, index) => {
    const data = encoder.encode(line)
    const event = module.decoder.decode(data)
    if (Either.isLeft(event)) {
      rejected.push({ line: index + 1, message: event.left.message })
      return { partitionKey: `line-${index + 1}`, data }
    }
    return { partitionKey: module.pipeline.keysOf(event.right)[0] || `line-${index + 1}`, data }
  })
  return { records, rejected }
}

/**
 * Puts the lines and prints how many went where. Stream, region and endpoint come from the
 * environment as for `run`.
 *
 * @example
 * NodeRuntime.runMain(produceLines({ _tag: "Produce", module: "./pipeline.ts", file: "events.ndjson" }))
 */
export const produceLines = (command: ProduceCommand) =>
  Effect.scoped(Effect.gen(function*() {
    const env = yield* Effect.mapError(runEnvironment, (cause) => new InvalidConfig({ field: "environment", message: cause.message }))
    const module = yield* loadPipelineModule(command.module)
    const stream = yield* streamOf(module.stream, env)
    const { records, rejected } = recordsFromLines(module, yield* readLines(command.file))
    for (const { line, message } of rejected.slice(0, 10)) yield* Console.error(`line ${line} does not decode (put anyway): ${message}`)
    const clients = yield* Layer.build(KinesisClient.layer({
      ...(env.region === undefined ? {} : { region: env.region }),
      ...(env.kinesisEndpoint === undefined ? {} : { endpoint: env.kinesisEndpoint })
    }))
    yield* produce(Context.get(clients, KinesisClient), stream, records, () => Effect.void)
    yield* Console.log(`put ${formatCount(records.length)} records on ${stream} (${formatCount(rejected.length)} do not decode)`)
  }))
