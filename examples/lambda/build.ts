/**
 * Bundles the example handlers with esbuild for the Node.js 22 Lambda runtime:
 * `npx tsx examples/lambda/build.ts` writes `examples/lambda/dist/<entry>/index.mjs` and its
 * chunks. The AWS SDK is bundled too (pinned versions, and a faster load than the runtime's copy,
 * file by file from node_modules), from its ESM builds, which esbuild can tree-shake. With
 * `splitting`, what the handler imports only when needed (the mapping check's Lambda client, the
 * credential chain's SSO and STS clients) goes into chunks loaded on first use, not at cold start
 * (docs/performance.md, "Bundle with esbuild").
 */
import { build } from "esbuild"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))

/** The handlers this example ships: the DynamoDB one (deployed) and the in-memory one. */
export const entries = { handler: join(here, "handler.ts"), memory: join(here, "memoryHandler.ts") } as const

/** What a bundle is: its entry file, what a cold start loads (bytes, source modules), and all bytes. */
export interface Bundle {
  readonly file: string
  readonly bytesAtStart: number
  readonly bytesInAll: number
  /** The source modules (paths as esbuild names them) in the files loaded at import. */
  readonly modulesAtStart: ReadonlyArray<string>
}

/** Bundles one entry into `outDir/<entry>/` (`index.mjs` and `chunks/`). */
export const bundle = async (entry: keyof typeof entries, outDir: string = join(here, "dist")): Promise<Bundle> => {
  const dir = join(outDir, entry)
  const result = await build({
    entryPoints: { index: entries[entry] },
    outdir: dir,
    bundle: true,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    platform: "node",
    target: "node22",
    format: "esm",
    // The SDK's ESM builds first: esbuild keeps the CommonJS builds (its default for node) whole.
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
    // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __murmurRequire } from 'node:module'; const require = __murmurRequire(import.meta.url);" }
  })
  const outputs = result.metafile.outputs
  // Keys are relative to the working directory; lazily imported modules are entry points too.
  const start = Object.keys(outputs).find((file) => resolve(file) === resolve(dir, "index.mjs"))!
  // The files the entry imports statically, followed: what a cold start loads.
  const loaded = new Set<string>()
  const pending = [start]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (loaded.has(file)) continue
    loaded.add(file)
    for (const imported of outputs[file]!.imports) if (imported.kind === "import-statement" && imported.external !== true) pending.push(imported.path)
  }
  const bytes = (files: Iterable<string>) => [...files].reduce((total, file) => total + outputs[file]!.bytes, 0)
  return {
    file: join(dir, "index.mjs"),
    bytesAtStart: bytes(loaded),
    bytesInAll: bytes(Object.keys(outputs)),
    modulesAtStart: [...loaded].flatMap((file) => Object.keys(outputs[file]!.inputs))
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const entry of Object.keys(entries) as Array<keyof typeof entries>) {
    const { file, bytesAtStart, bytesInAll } = await bundle(entry)
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
    console.log(`${entry}: ${file} (${kib(bytesAtStart)} loaded at start, ${kib(bytesInAll)} in all)`)
  }
}
