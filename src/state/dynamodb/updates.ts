/**
 * The `UpdateItem` expressions the commit paths write with, each built once: the numeric `ADD`
 * and the versioned compare-and-swap `SET`, both carrying the row's TTL; and the row a write
 * starts from when the stored one has expired.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb"
import { attr, isExpired, type Item, versionOf } from "./row.js"

/** `SET` assignments with the names and values they use. */
export interface Assignments {
  readonly assignments: ReadonlyArray<string>
  readonly names: Record<string, string>
  readonly values: Record<string, AttributeValue>
}

/** No extra assignments. */
export const noAssignments: Assignments = { assignments: [], names: {}, values: {} }

const withTtl = (set: Assignments, ttl: number | undefined): Assignments =>
  ttl === undefined
    ? set
    : {
      assignments: [...set.assignments, "#ttl = :ttl"],
      names: { ...set.names, "#ttl": attr.ttl },
      values: { ...set.values, ":ttl": { N: String(ttl) } }
    }

/**
 * `ADD v :d`, then `SET` the extra assignments (a fenced mark) and the TTL when the row has one.
 *
 * @example
 * addUpdate({ N: "3" }, undefined) // { UpdateExpression: "ADD #v :d", ... }
 */
export const addUpdate = (delta: AttributeValue, ttl: number | undefined, extra: Assignments = noAssignments) => {
  const set = withTtl(extra, ttl)
  return {
    UpdateExpression: set.assignments.length === 0 ? "ADD #v :d" : `ADD #v :d SET ${set.assignments.join(", ")}`,
    ExpressionAttributeNames: { "#v": attr.value, ...set.names },
    ExpressionAttributeValues: { ":d": delta, ...set.values }
  }
}

/**
 * A versioned write: `SET ver = :ver1 (, extra), v = :v, ttl = :ttl` on condition that the version
 * is still the one read from `item` (or that there is none).
 *
 * @example
 * versionedUpdate(item, { N: "9" }, undefined, noAssignments).ConditionExpression // "#ver = :ver0"
 */
export const versionedUpdate = (
  item: Item | undefined,
  value: AttributeValue | undefined,
  ttl: number | undefined,
  extra: Assignments
) => {
  const version = versionOf(item)
  const assignments = ["#ver = :ver1", ...extra.assignments]
  const names: Record<string, string> = { "#ver": attr.version, ...extra.names }
  const values: Record<string, AttributeValue> = { ":ver1": { N: String((version ?? 0) + 1) }, ...extra.values }
  if (value !== undefined) {
    assignments.push("#v = :v")
    names["#v"] = attr.value
    values[":v"] = value
  }
  if (version !== undefined) values[":ver0"] = { N: String(version) }
  const set = withTtl({ assignments, names, values }, ttl)
  return {
    UpdateExpression: `SET ${set.assignments.join(", ")}`,
    ConditionExpression: version === undefined ? "attribute_not_exists(#ver)" : "#ver = :ver0",
    ExpressionAttributeNames: set.names,
    ExpressionAttributeValues: set.values
  }
}

/**
 * The row a compare-and-swap write starts from. An expired row is gone for readers, so a write
 * treats it as absent too, keeping only its version (the write's condition still checks it).
 *
 * @example
 * liveRow(stored, Date.now()) // `stored`, or `{ ver }` once its TTL has passed
 */
export const liveRow = (stored: Item | undefined, nowMs: number): Item | undefined =>
  stored !== undefined && isExpired(stored, nowMs) ? { [attr.version]: stored[attr.version]! } : stored
