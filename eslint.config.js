import js from "@eslint/js"
import tseslint from "typescript-eslint"

/**
 * Layering of src/, lowest first: a folder may import from its own layer and the ones below,
 * never from a higher one (design.md, "Layout"). Root files (errors.ts) sit below every layer;
 * the entry points (index.ts, testing.ts) sit above them all.
 */
const layers = [
  ["monoid", "window", "pipeline", "record", "retry", "tracing", "types"],
  ["state", "processor", "metrics", "logging", "otel"],
  ["kinesis", "query", "local"],
  ["cli"]
]

/** Pairs within a layer that must not import each other (the first from the second). */
const peerRules = {
  state: ["processor"],
  metrics: ["state", "processor"],
  kinesis: ["query"],
  query: ["kinesis"]
}

const maxDepth = 5

/**
 * Effect per module (`effect/Effect`), never the `effect` barrel: esbuild keeps every export of a
 * namespace re-exported by the barrel, so `import { Effect } from "effect"` put ~170 KiB more into
 * a Lambda handler's bundle (bench/results.md, cold start).
 */
const effectBarrel = {
  name: "effect",
  message: 'import Effect per module (import * as Effect from "effect/Effect"): the barrel defeats tree-shaking'
}
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * One `no-restricted-imports` override per (folder, depth): a file `depth` folders below src/
 * reaches another top-level folder through exactly `depth` "../", so the pattern matches that
 * folder and nothing nested inside its own.
 */
const layeringRules = layers.flatMap((layer, index) =>
  layer.flatMap((folder) => {
    const above = layers.slice(index + 1).flat()
    const forbidden = [...above, ...(peerRules[folder] ?? [])]
    return Array.from({ length: maxDepth }, (_, level) => {
      const depth = level + 1
      const up = "\\.\\./".repeat(depth)
      const files = `src/${folder}/${"*/".repeat(level)}*.ts`
      const patterns = [
        {
          regex: `^${up}(${forbidden.map(escape).join("|")})(/|\\.js$)`,
          message: `layering: src/${folder} may not import from ${forbidden.join(", ")} (see "layers" in eslint.config.js)`
        },
        {
          regex: `^${up}(index|testing)\\.js$`,
          message: `layering: src/${folder} may not import the package's entry points`
        }
      ]
      return { files: [files], rules: { "no-restricted-imports": ["error", { paths: [effectBarrel], patterns }] } }
    })
  })
)

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "examples/**/dist/**", "coverage/**", "test-output/**", "out/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
      "no-restricted-imports": ["error", { paths: [effectBarrel] }]
    }
  },
  ...layeringRules
)
