/**
 * Writes the dashboard bundle into `dist/query/http/dashboard/assets/` after `tsc`, so a published
 * package serves it without esbuild: `tsx src/query/http/dashboard/prebuild.ts [outDir]`.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { bundleClient } from "./bundle.js"

const outDir = process.argv[2] ?? "dist/query/http/dashboard/assets"
const bundle = await bundleClient()
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, "app.js"), bundle.js)
writeFileSync(join(outDir, "app.css"), bundle.css)
console.log(`dashboard bundle: ${join(outDir, "app.js")} (${bundle.js.length} bytes), app.css (${bundle.css.length} bytes)`)
