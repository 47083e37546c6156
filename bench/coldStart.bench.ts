/**
 * Cold-start bench: a user's handler bundled as for Lambda (esbuild, ESM, minified), then fresh
 * `node` processes each importing it and running a first 100-record batch, timed in the child
 * with `performance.now()` (node's own start-up is left out). Variants, side by side in one run:
 * murmur with `jsonDecoder()`, murmur with `schemaDecoder`, and a Powertools batch handler doing
 * the same work (in-memory state, AWS SDK external, as the Lambda runtime provides it); and the
 * example's deployable DynamoDB handler with the SDK bundled (its size and import time: a first
 * batch would need DynamoDB). Runs interleave the variants; medians are reported.
 * Run alone with `npx tsx bench/coldStart.bench.ts`, or through `npm run bench`.
 */
import { build } from "esbuild"
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { bundle as bundleExample } from "../examples/lambda/build.js"
import { makeEvent } from "./lambda.bench.js"
import { type BenchResult, formatResult, isMain, median, registerBench } from "./report.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const runs = 9
const kib = (bytes: number) => bytes / 1024

// The user's code for each variant; `@src` is the package's source (its public entries).
const pipelineSource = `
interface PageView { readonly page: string; readonly country: string; readonly user: string }
const views = pipeline({ name: "page-views", keys: (v: PageView) => [v.page, v.country], monoid: count, store: "bench" })
`
/** The Schema-validating handler, after `effectImports` (which bring `Layer` and `Schema`). */
const schemaHandlerSource = (effectImports: string) => `${effectImports}
import { count, layerNoop, MemoryStore, pipeline, schemaDecoder } from "@src/index.js"
import { kinesisHandlerWithLayer } from "@src/kinesis/lambda/index.js"
const PageView = Schema.Struct({ page: Schema.String, country: Schema.String, user: Schema.String })
const views = pipeline({ name: "page-views", keys: (v: typeof PageView.Type) => [v.page, v.country], monoid: count, store: "bench" })
export const handler = kinesisHandlerWithLayer(views, schemaDecoder(PageView), { layer: Layer.merge(MemoryStore.layer, layerNoop) })
`
const sources = {
  "murmur jsonDecoder()": `
import * as Layer from "effect/Layer"
import { count, type Decoder, jsonDecoder, layerNoop, MemoryStore, pipeline } from "@src/index.js"
import { kinesisHandlerWithLayer } from "@src/kinesis/lambda/index.js"
${pipelineSource}
export const handler = kinesisHandlerWithLayer(views, jsonDecoder() as Decoder<PageView>, { layer: Layer.merge(MemoryStore.layer, layerNoop) })
`,
  "murmur schemaDecoder": schemaHandlerSource(`
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"`),
  // The same handler written with the barrel import many users write: esbuild then keeps every
  // export of the namespaces it names (Layer's, Schema's), so this is the size they would see.
  "murmur schemaDecoder, user code importing the effect barrel": schemaHandlerSource(`
import { Layer, Schema } from "effect"`),
  "Powertools batch, same work": `
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch"
const processor = new BatchProcessor(EventType.KinesisDataStreams)
const totals = new Map<string, number>()
export const handler = async (event: any, context: any) => {
  const seen = new Set<string>()
  const deltas = new Map<string, number>()
  const add = (key: string) => deltas.set(key, (deltas.get(key) ?? 0) + 1)
  const response = await processPartialResponse(event, async (record: any) => {
    const eventId = record.eventSourceARN + "/" + record.kinesis.sequenceNumber
    const view = JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8"))
    if (seen.has(eventId)) return
    seen.add(eventId)
    add(view.page)
    add(view.country)
  }, processor, { context })
  for (const [key, delta] of deltas) totals.set(key, (totals.get(key) ?? 0) + delta)
  return response
}
`
} as const

type Variant = keyof typeof sources

/**
 * How the AWS SDK goes in: `external` (the runtime's copy), `bundled` (esbuild's defaults for
 * node, which take the SDK's CommonJS builds and keep them whole), `esm`: the SDK's ESM builds
 * (`mainFields` module first, so esbuild drops what is unused), or `esmLambdaExternal`: the same
 * with `@aws-sdk/client-lambda` left to the runtime (the handler loads it only when the mapping
 * check runs).
 */
type SdkMode = "external" | "bundled" | "esm" | "esmLambdaExternal"

const bundle = async (entry: string, outfile: string, sdk: SdkMode) => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "none",
    logLevel: "error",
    nodePaths: [join(root, "node_modules")],
    alias: { "@src": join(root, "src") },
    external: sdk === "external" ? ["@aws-sdk/*", "@smithy/*"] : sdk === "esmLambdaExternal" ? ["@aws-sdk/client-lambda"] : [],
    ...(sdk === "esm" || sdk === "esmLambdaExternal" ? { mainFields: ["module", "main"] } : {}),
    // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" }
  })
  return statSync(outfile).size
}

// Runs in a fresh node: reads the event, then times importing the bundle and (unless there is
// no event) its first batch; prints the timings.
const childScript = (bundleUrl: string, eventFile: string | undefined) => `
import { readFileSync } from "node:fs"
const eventFile = ${JSON.stringify(eventFile ?? "")}
const event = eventFile ? JSON.parse(readFileSync(eventFile, "utf8")) : undefined
const t0 = performance.now()
const { handler } = await import(${JSON.stringify(bundleUrl)})
const t1 = performance.now()
if (event) {
  const response = await handler(event, { getRemainingTimeInMillis: () => 900000, awsRequestId: "cold" })
  if (response.batchItemFailures.length > 0) throw new Error("cold batch reported failures")
}
const t2 = performance.now()
console.log(JSON.stringify({ importMs: t1 - t0, batchMs: t2 - t1 }))
`

interface ColdFigures {
  readonly bytes: number
  readonly importMs: number
  readonly batchMs: number
  readonly processMs: number
}

const coldRun = (script: string) => {
  const start = performance.now()
  // The SDK stays external: the child resolves it from the project's node_modules, as Lambda's runtime would.
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: root })
  const processMs = performance.now() - start
  if (child.status !== 0) throw new Error(`cold start failed: ${child.stderr}`)
  const { importMs, batchMs } = JSON.parse(child.stdout.trim().split("\n").pop()!) as { importMs: number; batchMs: number }
  return { importMs, batchMs, processMs }
}

/** Bundles every variant, then interleaves fresh-process runs; medians per variant. */
export const measureColdStarts = async () => {
  // Inside the project so that an external SDK resolves from its node_modules.
  const cache = join(root, "node_modules", ".cache")
  mkdirSync(cache, { recursive: true })
  const dir = mkdtempSync(join(cache, "murmur-cold-"))
  try {
    const eventFile = join(dir, "event.json")
    writeFileSync(eventFile, JSON.stringify(makeEvent(0, 100)))
    const scripts: Record<string, { bytes: number; script: string }> = {}
    for (const [index, [name, source]] of Object.entries(sources).entries()) {
      const entry = join(dir, `entry${index}.ts`)
      writeFileSync(entry, source)
      const outfile = join(dir, `bundle${index}.mjs`)
      const bytes = await bundle(entry, outfile, "external")
      scripts[name] = { bytes, script: childScript(pathToFileURL(outfile).href, eventFile) }
    }
    const deployable = join(root, "examples", "lambda", "handler.ts")
    const deployableExternal = await bundle(deployable, join(dir, "deployable-external.mjs"), "external")
    const deployableFile = join(dir, "deployable.mjs")
    const deployableBytes = await bundle(deployable, deployableFile, "bundled")
    const deployableName = "murmur deployable DynamoDB handler, SDK bundled by esbuild's defaults (CommonJS builds; import only)"
    const esmDeployableName = "murmur deployable DynamoDB handler, SDK bundled from its ESM builds (import only)"
    scripts[deployableName] = { bytes: deployableBytes, script: childScript(pathToFileURL(deployableFile).href, undefined) }
    const esmFile = join(dir, "deployable-esm.mjs")
    const esmBytes = await bundle(deployable, esmFile, "esm")
    scripts[esmDeployableName] = { bytes: esmBytes, script: childScript(pathToFileURL(esmFile).href, undefined) }
    const esmLambdaExternalBytes = await bundle(deployable, join(dir, "deployable-esm-lambda-external.mjs"), "esmLambdaExternal")
    // As examples/lambda/build.ts ships it: ESM builds, lazily imported parts split off.
    const shipped = await bundleExample("handler", join(dir, "split"))
    const split = { atStart: kib(shipped.bytesAtStart), all: kib(shipped.bytesInAll) }
    const samples: Record<string, Array<{ importMs: number; batchMs: number; processMs: number }>> = {}
    const names = Object.keys(scripts)
    for (let run = 0; run < runs; run++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(run + k) % names.length]!
        ;(samples[name] ??= []).push(coldRun(scripts[name]!.script))
      }
    }
    const figures: Record<string, ColdFigures> = {}
    for (const name of names) {
      const s = samples[name]!
      figures[name] = {
        bytes: scripts[name]!.bytes,
        importMs: median(s.map((x) => x.importMs)),
        batchMs: median(s.map((x) => x.batchMs)),
        processMs: median(s.map((x) => x.processMs))
      }
    }
    return { figures, deployableExternal, esmLambdaExternalBytes, split, deployableName, esmDeployableName }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs the cold-start bench; the baseline is the Powertools handler doing the same work. */
export const runColdStartBench = async (): Promise<BenchResult> => {
  const { figures, deployableExternal, esmLambdaExternalBytes, split, deployableName, esmDeployableName } = await measureColdStarts()
  const total = (f: ColdFigures) => f.importMs + f.batchMs
  const line = (name: string) => {
    const f = figures[name]!
    return `${name}: ${kib(f.bytes).toFixed(1)} KiB, import ${f.importMs.toFixed(1)} ms + first batch ${f.batchMs.toFixed(1)} ms = ` +
      `${total(f).toFixed(1)} ms (whole process with node's start-up ${f.processMs.toFixed(0)} ms)`
  }
  const pt = figures["Powertools batch, same work" satisfies Variant]!
  const json = figures["murmur jsonDecoder()" satisfies Variant]!
  const schema = figures["murmur schemaDecoder" satisfies Variant]!
  const schemaBarrel = figures["murmur schemaDecoder, user code importing the effect barrel" satisfies Variant]!
  const deployable = figures[deployableName]!
  const esm = figures[esmDeployableName]!
  const goal = (met: boolean) => (met ? "met" : "MISSED")
  return {
    title: "Cold start: bundled user handler (esbuild, minified), import + first 100-record batch in a fresh node",
    baseline: { name: "Powertools batch handler, same work (import + first batch)", ms: total(pt) },
    figures: [
      { name: "murmur, jsonDecoder() (import + first batch)", ms: total(json) },
      { name: "murmur, schemaDecoder (import + first batch)", ms: total(schema) },
      { name: "murmur deployable DynamoDB handler, SDK bundled from its ESM builds (import only)", ms: esm.importMs },
      { name: "murmur deployable, SDK bundled by esbuild's defaults (import only)", ms: deployable.importMs }
    ],
    notes: [
      ...Object.keys(figures).map(line),
      `Goals: jsonDecoder() ≤ 120 ms (${goal(total(json) <= 120)}) and ≤ 300 KiB (${goal(kib(json.bytes) <= 300)}); ` +
        `schemaDecoder ≤ 150 ms (${goal(total(schema) <= 150)}) and ≤ 450 KiB (${goal(kib(schema.bytes) <= 450)}; ` +
        `with the user's code importing the barrel: ${goal(total(schemaBarrel) <= 150)}, ${goal(kib(schemaBarrel.bytes) <= 450)}); ` +
        `deployable with the SDK bundled from its ESM builds ≤ 700 KiB (${goal(kib(esm.bytes) <= 700)}; ` +
        `${kib(esmLambdaExternalBytes).toFixed(1)} KiB with client-lambda left to the runtime; with esbuild's \`splitting\`, ` +
        `${split.atStart.toFixed(1)} KiB loaded at start of ${split.all.toFixed(1)} KiB in all; ` +
        `with esbuild's defaults, which take the SDK's CommonJS builds whole: ${goal(kib(deployable.bytes) <= 700)}). ` +
        `The deployable handler with the SDK external: ${kib(deployableExternal).toFixed(1)} KiB.`,
      `Medians of ${runs} fresh processes per variant, interleaved. AWS SDK external except where said. ` +
        "The murmur variants' own code imports Effect per module (`effect/Effect`), as the package does."
    ]
  }
}

registerBench({ name: "coldStart", run: runColdStartBench })

if (isMain(import.meta.url)) console.log(formatResult(await runColdStartBench()).join("\n"))
