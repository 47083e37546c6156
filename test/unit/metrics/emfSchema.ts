import { Ajv } from "ajv"
import { readFileSync } from "node:fs"

const schema = JSON.parse(readFileSync(new URL("./fixtures/emf.schema.json", import.meta.url), "utf8")) as object
const ajv = new Ajv({ allErrors: true })
ajv.addSchema(schema, "emf")
const document = ajv.getSchema("emf")!
const dimensionValue = ajv.getSchema("emf#/definitions/DimensionValue")!
const metricValue = ajv.getSchema("emf#/definitions/MetricValue")!

/** CloudWatch Logs' event size limit, which an EMF line must fit in. */
const maxLineBytes = 256 * 1024

/**
 * Every problem of one EMF log line against the specification: the JSON schema, then the
 * references the schema cannot express (each dimension a string member of the root, each metric
 * a number or array of numbers there). Empty when the line is valid.
 */
export const emfProblems = (line: string): Array<string> => {
  if (Buffer.byteLength(line) > maxLineBytes) return ["line over 256 KB"]
  const parsed = JSON.parse(line) as Record<string, unknown> & {
    _aws: { CloudWatchMetrics: Array<{ Dimensions: Array<Array<string>>; Metrics: Array<{ Name: string }> }> }
  }
  if (!document(parsed)) return (document.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
  const problems: Array<string> = []
  for (const directive of parsed._aws.CloudWatchMetrics) {
    for (const name of directive.Dimensions.flat()) {
      if (!dimensionValue(parsed[name])) problems.push(`dimension ${name}: ${JSON.stringify(parsed[name])}`)
    }
    for (const { Name } of directive.Metrics) {
      if (!metricValue(parsed[Name])) problems.push(`metric ${Name}: ${JSON.stringify(parsed[Name])}`)
    }
  }
  return problems
}
