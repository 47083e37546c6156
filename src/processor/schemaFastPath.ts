/**
 * A fast yes for the common case of a Schema decoder. Effect's parser interprets the schema per
 * record (about 0.4 µs for a three-string struct here, as much as `JSON.parse` of it) and builds
 * a new object; for a schema without transformations, a parsed record with exactly the declared
 * keys in the declared order would come out of it unchanged. This module compiles such a schema
 * into a plain predicate that says "accepted, and decoding would return it as it is"; every other
 * record (and every schema outside the subset) goes through Effect's parser, which then gives the
 * answer and the error message.
 */
import * as Option from "effect/Option"
import * as SchemaAST from "effect/SchemaAST"

type Check = (input: unknown) => boolean

interface Compiled {
  readonly check: Check
  /**
   * Whether a `false` is also Effect's answer (a string check is; a struct check is not: it
   * leaves extra keys or another key order to the parser). A union is compiled only from exact
   * members, since the parser takes the first member that accepts and may strip what a later
   * one keeps.
   */
  readonly exact: boolean
}

const exactCheck = (check: Check): Compiled => ({ check, exact: true })

const isPlainRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

const compileStruct = (ast: SchemaAST.TypeLiteral): Compiled | undefined => {
  if (ast.indexSignatures.length > 0 || ast.propertySignatures.length === 0) return undefined
  const names: Array<string> = []
  const checks: Array<Check> = []
  const optional: Array<boolean> = []
  const position = new Map<string, number>()
  for (const signature of ast.propertySignatures) {
    if (typeof signature.name !== "string") return undefined // JSON has no symbol keys
    const compiled = compile(signature.type)
    if (compiled === undefined) return undefined
    position.set(signature.name, names.length)
    names.push(signature.name)
    checks.push(compiled.check)
    optional.push(signature.isOptional)
  }
  const check = (input: unknown): boolean => {
    if (!isPlainRecord(input)) return false
    // Declared keys only, in declared order: the parser's output has exactly those, in that order.
    let last = -1
    for (const key in input) {
      const at = position.get(key)
      if (at === undefined || at <= last) return false
      last = at
    }
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      if (!Object.prototype.hasOwnProperty.call(input, name)) {
        if (optional[i]) continue
        return false // a missing required key: the parser decides (it checks it as `undefined`)
      }
      if (!checks[i]!(input[name])) return false
    }
    return true
  }
  return { check, exact: false }
}

const compileArray = (ast: SchemaAST.TupleType): Compiled | undefined => {
  if (ast.elements.length > 0 || ast.rest.length !== 1) return undefined
  const item = compile(ast.rest[0]!.type)
  if (item === undefined) return undefined
  const check = item.check
  return {
    check: (input) => {
      if (!Array.isArray(input)) return false
      for (let i = 0; i < input.length; i++) if (!check(input[i])) return false
      return true
    },
    exact: item.exact
  }
}

const compileUnion = (ast: SchemaAST.Union): Compiled | undefined => {
  const members: Array<Check> = []
  for (const type of ast.types) {
    const compiled = compile(type)
    if (compiled === undefined || !compiled.exact) return undefined
    members.push(compiled.check)
  }
  return exactCheck((input) => members.some((check) => check(input)))
}

const compileRefinement = (ast: SchemaAST.Refinement): Compiled | undefined => {
  const from = compile(ast.from)
  if (from === undefined) return undefined
  // The parser runs the filter on `from`'s output, which is the input itself when accepted here.
  return {
    check: (input) => from.check(input) && Option.isNone(ast.filter(input, SchemaAST.defaultParseOption, ast)),
    exact: from.exact
  }
}

const compile = (ast: SchemaAST.AST): Compiled | undefined => {
  // A fallback turns a rejection into a value, and parse options change what is accepted:
  // neither is followed here, so such schemas stay with the parser.
  if (ast.annotations[SchemaAST.DecodingFallbackAnnotationId] !== undefined) return undefined
  if (ast.annotations[SchemaAST.ParseOptionsAnnotationId] !== undefined) return undefined
  switch (ast._tag) {
    case "StringKeyword":
      return exactCheck((input) => typeof input === "string")
    case "NumberKeyword":
      return exactCheck((input) => typeof input === "number")
    case "BooleanKeyword":
      return exactCheck((input) => typeof input === "boolean")
    case "UndefinedKeyword":
      return exactCheck((input) => input === undefined)
    case "UnknownKeyword":
    case "AnyKeyword":
      return exactCheck(() => true)
    case "Literal": {
      const literal = ast.literal
      return exactCheck((input) => input === literal)
    }
    case "TypeLiteral":
      return compileStruct(ast)
    case "TupleType":
      return compileArray(ast)
    case "Union":
      return compileUnion(ast)
    case "Refinement":
      return compileRefinement(ast)
    default:
      return undefined // transformations, classes, records, suspensions…: the parser only
  }
}

/**
 * A predicate that is `true` only for inputs the schema's decoder accepts and returns unchanged
 * (deep-equal, same key order), or `undefined` when the schema is outside the compiled subset
 * (strings, numbers, booleans, literals, unions of those, filters, arrays, structs of them).
 *
 * @example
 * const accepts = unchangedByDecoding(Schema.Struct({ page: Schema.String }).ast)
 * accepts?.({ page: "/home" }) // true: decoding would return this object as it is
 * accepts?.({ page: "/home", extra: 1 }) // false: the parser would strip `extra`
 */
export const unchangedByDecoding = (ast: SchemaAST.AST): Check | undefined => compile(ast)?.check
