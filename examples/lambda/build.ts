/**
 * Bundles the example handlers with esbuild into single ESM files for the Node.js 22 Lambda
 * runtime: `npx tsx examples/lambda/build.ts` writes `examples/lambda/dist/<entry>/index.mjs`.
 * The AWS SDK is bundled too (pinned versions, and a smaller cold start than the runtime's copy).
 */
import { build } from "esbuild"
import { statSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))

/** The handlers this example ships: the DynamoDB one (deployed) and the in-memory one. */
export const entries = { handler: join(here, "handler.ts"), memory: join(here, "memoryHandler.ts") } as const

/** Bundles one entry; resolves to the bundle's path and size in bytes. */
export const bundle = async (
  entry: keyof typeof entries,
  outDir: string = join(here, "dist")
): Promise<{ readonly file: string; readonly bytes: number }> => {
  const file = join(outDir, entry, "index.mjs")
  await build({
    entryPoints: [entries[entry]],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __murmurRequire } from 'node:module'; const require = __murmurRequire(import.meta.url);" }
  })
  return { file, bytes: statSync(file).size }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const entry of Object.keys(entries) as Array<keyof typeof entries>) {
    const { file, bytes } = await bundle(entry)
    console.log(`${entry}: ${file} (${(bytes / 1024).toFixed(1)} KiB)`)
  }
}
