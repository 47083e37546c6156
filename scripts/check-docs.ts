/**
 * Typechecks every TypeScript block of README.md, docs/**\/*.md and examples/**\/*.md, as a user
 * who copies it into a strict project would see it: the repository's compiler options (strict,
 * NodeNext), with `murmur-ts` and its entries resolved to the sources through `paths`.
 *
 * Fences: ```ts (or typescript) blocks are checked, each as its own module. ```ts continued
 * appends the block to the previous one of the same file (a walkthrough in steps; imports it
 * repeats are merged). ```ts nocheck skips a block that is deliberately partial: keep that rare.
 *
 *   npx tsx scripts/check-docs.ts [file.md ...]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const outDir = join(root, "test-output", "docs")

interface Block {
  readonly file: string
  /** 1-based line of the block's first code line in the markdown file. */
  readonly line: number
  readonly code: string
  readonly continued: boolean
}

interface Unit {
  readonly name: string
  readonly blocks: ReadonlyArray<Block>
}

const markdownFiles = (): Array<string> => {
  const found = [join(root, "README.md")]
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry)
      if (entry === "node_modules" || entry === "dist") continue
      if (statSync(path).isDirectory()) walk(path)
      else if (entry.endsWith(".md")) found.push(path)
    }
  }
  for (const dir of ["docs", "examples"]) {
    try {
      walk(join(root, dir))
    } catch {
      // no such folder
    }
  }
  return found
}

/** The TypeScript blocks of one markdown file, `nocheck` ones left out. */
export const blocksOf = (file: string, text: string): Array<Block> => {
  const blocks: Array<Block> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*(ts|typescript)\b(.*)$/.exec(lines[i]!)
    if (open === null) {
      const other = /^\s*(```+|~~~+)/.exec(lines[i]!)
      if (other !== null) {
        const fence = other[1]!
        while (++i < lines.length && !lines[i]!.trimStart().startsWith(fence));
      }
      continue
    }
    const [, indent, fence, , info] = open
    const flags = info!.trim().split(/[\s,]+/)
    const body: Array<string> = []
    const start = i + 2
    while (++i < lines.length && !lines[i]!.trimStart().startsWith(fence!)) body.push(lines[i]!.startsWith(indent!) ? lines[i]!.slice(indent!.length) : lines[i]!)
    if (flags.includes("nocheck")) continue
    blocks.push({ file, line: start, code: body.join("\n"), continued: flags.includes("continued") })
  }
  return blocks
}

const units = (files: ReadonlyArray<string>): Array<Unit> =>
  files.flatMap((file) => {
    const result: Array<{ name: string; blocks: Array<Block> }> = []
    for (const block of blocksOf(file, readFileSync(file, "utf8"))) {
      const previous = result.at(-1)
      if (block.continued && previous !== undefined) previous.blocks.push(block)
      else result.push({ name: `${relative(root, file).replace(/[^\w]+/g, "_")}_${block.line}`, blocks: [block] })
    }
    return result
  })

/**
 * One module from a chain of blocks. Imports a later block repeats are dropped (a name already
 * imported from the same module), keeping every line where it was so errors map back.
 */
const source = (unit: Unit): string => {
  const imported = new Set<string>()
  return unit.blocks.map((block) => {
    const file = ts.createSourceFile("block.ts", block.code, ts.ScriptTarget.ES2022, true)
    let code = block.code
    const edits: Array<{ start: number; end: number; text: string }> = []
    for (const statement of file.statements) {
      if (!ts.isImportDeclaration(statement)) continue
      const from = (statement.moduleSpecifier as ts.StringLiteral).text
      const clause = statement.importClause
      const names = [
        ...(clause?.name === undefined ? [] : [`default ${clause.name.text}`]),
        ...(clause?.namedBindings === undefined ? [] : ts.isNamespaceImport(clause.namedBindings)
          ? [`* ${clause.namedBindings.name.text}`]
          : clause.namedBindings.elements.map((element) => element.name.text))
      ]
      const fresh = names.filter((name) => !imported.has(`${from} ${name}`))
      for (const name of names) imported.add(`${from} ${name}`)
      if (fresh.length === names.length) continue
      const original = statement.getText(file)
      const replacement = fresh.length === 0 || clause?.namedBindings === undefined || !ts.isNamedImports(clause.namedBindings)
        ? ""
        : `import ${clause.isTypeOnly ? "type " : ""}{ ${clause.namedBindings.elements.filter((element) => fresh.includes(element.name.text)).map((element) => element.getText(file)).join(", ")} } from "${from}"`
      edits.push({ start: statement.getStart(file), end: statement.getEnd(), text: replacement + "\n".repeat(original.split("\n").length - 1) })
    }
    for (const edit of edits.reverse()) code = code.slice(0, edit.start) + edit.text + code.slice(edit.end)
    return code
  }).join("\n")
}

/** `murmur-ts` and `murmur-ts/<entry>` to the sources, from package.json's exports. */
const paths = (): Record<string, Array<string>> => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; exports: Record<string, { types: string }> }
  return Object.fromEntries(Object.entries(pkg.exports).map(([entry, target]) => [
    entry.replace(/^\./, pkg.name),
    [join(root, target.types.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$/, ".ts"))]
  ]))
}

const main = () => {
  const files = process.argv.length > 2 ? process.argv.slice(2).map((file) => join(process.cwd(), file)) : markdownFiles()
  const all = units(files)
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const generated = new Map<string, Unit>()
  for (const unit of all) {
    const path = join(outDir, `${unit.name}.ts`)
    // `export {}` makes every block a module, so top-level await and same names in two blocks work.
    writeFileSync(path, `${source(unit)}\nexport {}\n`)
    generated.set(path, unit)
  }
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))
    }
  })!
  const program = ts.createProgram([...generated.keys()], { ...config.options, noEmit: true, paths: paths(), lib: ["lib.es2022.d.ts", "lib.dom.d.ts"] })
  let errors = 0
  for (const [path, unit] of generated) {
    const file = program.getSourceFile(path)!
    for (const diagnostic of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
      // Map the generated line back to its block: blocks are joined with one newline each.
      let offset = line
      let block = unit.blocks[0]!
      for (const candidate of unit.blocks) {
        block = candidate
        const length = candidate.code.split("\n").length
        if (offset < length) break
        offset -= length
      }
      errors++
      console.error(`${relative(root, block.file)}:${block.line + offset}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`)
    }
  }
  const blocks = all.reduce((total, unit) => total + unit.blocks.length, 0)
  console.log(`docs: ${blocks} TypeScript blocks in ${files.length} files, ${errors} errors`)
  if (errors > 0) process.exitCode = 1
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main()
