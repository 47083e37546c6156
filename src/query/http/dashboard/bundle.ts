/**
 * The dashboard's script and styles, bundled from `client/` with esbuild's API the first time
 * they are asked for, then kept in memory for the life of the process. Bundling at run time keeps
 * `npm start` and the tests working from a fresh clone with no build step, and every byte the
 * page loads (uPlot included) comes from installed packages through this server.
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** The bundled script and stylesheet. */
export interface DashboardBundle {
  readonly js: string
  readonly css: string
}

// Next to this file: `client/main.ts` from the sources (tsx, vitest), `client/main.js` from dist/.
const entry = (): string => {
  const source = fileURLToPath(new URL("./client/main.ts", import.meta.url))
  return existsSync(source) ? source : fileURLToPath(new URL("./client/main.js", import.meta.url))
}

const build = async (): Promise<DashboardBundle> => {
  const esbuild = await import("esbuild")
  const result = await esbuild.build({
    entryPoints: [entry()],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2020"],
    minify: true,
    legalComments: "inline",
    write: false,
    outdir: "dashboard",
    logLevel: "silent"
  })
  const text = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? ""
  return { js: text(".js"), css: text(".css") }
}

let cached: Promise<DashboardBundle> | undefined

/**
 * The bundle, built once per process (about a fifth of a second) and shared by every server.
 *
 * @example
 * const { js, css } = await dashboardBundle()
 */
export const dashboardBundle = (): Promise<DashboardBundle> => {
  cached ??= build().catch((error: unknown) => {
    cached = undefined
    throw error
  })
  return cached
}
