/**
 * The dashboard's script and styles, bundled from `client/` with esbuild's API the first time
 * they are asked for, then kept in memory for the life of the process. Bundling at run time keeps
 * `npm start` and the tests working from a fresh clone with no build step, and every byte the
 * page loads (uPlot included) comes from installed packages through this server. A published
 * build can ship the bundle instead (`prebuild.ts` writes `assets/app.js` and `assets/app.css` next
 * to this file), so esbuild is not needed at run time there.
 */
import { existsSync, readFileSync } from "node:fs"
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

/** Bundles the client with esbuild. */
export const bundleClient = async (): Promise<DashboardBundle> => {
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

const prebuilt = (): DashboardBundle | undefined => {
  const js = fileURLToPath(new URL("./assets/app.js", import.meta.url))
  const css = fileURLToPath(new URL("./assets/app.css", import.meta.url))
  return existsSync(js) && existsSync(css) ? { js: readFileSync(js, "utf8"), css: readFileSync(css, "utf8") } : undefined
}

const build = async (): Promise<DashboardBundle> => prebuilt() ?? bundleClient()

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
