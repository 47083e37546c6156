import { describe, expect, it } from "vitest"
import { addUpdate, liveRow, noAssignments, versionedUpdate } from "../../../src/state/dynamodb/updates.js"

describe("DynamoDB update expressions", () => {
  it("ADD the delta, then SET the extra assignments and the TTL", () => {
    expect(addUpdate({ N: "3" }, undefined)).toEqual({
      UpdateExpression: "ADD #v :d",
      ExpressionAttributeNames: { "#v": "v" },
      ExpressionAttributeValues: { ":d": { N: "3" } }
    })
    expect(addUpdate({ N: "3" }, 1_700_000_000)).toEqual({
      UpdateExpression: "ADD #v :d SET #ttl = :ttl",
      ExpressionAttributeNames: { "#v": "v", "#ttl": "ttl" },
      ExpressionAttributeValues: { ":d": { N: "3" }, ":ttl": { N: "1700000000" } }
    })
    const fenced = addUpdate({ N: "3" }, 1_700_000_000, {
      assignments: ["#m = :last"],
      names: { "#m": "hwm_s" },
      values: { ":first": { S: "1" }, ":last": { S: "2" } }
    })
    expect(fenced.UpdateExpression).toBe("ADD #v :d SET #m = :last, #ttl = :ttl")
    expect(fenced.ExpressionAttributeNames).toEqual({ "#v": "v", "#m": "hwm_s", "#ttl": "ttl" })
    expect(Object.keys(fenced.ExpressionAttributeValues).sort()).toEqual([":d", ":first", ":last", ":ttl"])
  })

  it("SET a versioned value on condition of the version read", () => {
    const fresh = versionedUpdate(undefined, { B: new Uint8Array([1]) }, undefined, noAssignments)
    expect(fresh.UpdateExpression).toBe("SET #ver = :ver1, #v = :v")
    expect(fresh.ConditionExpression).toBe("attribute_not_exists(#ver)")
    expect(fresh.ExpressionAttributeValues[":ver1"]).toEqual({ N: "1" })
    const next = versionedUpdate({ ver: { N: "4" } }, undefined, 99, {
      assignments: ["#m = :last"],
      names: { "#m": "hwm_s" },
      values: { ":last": { S: "7" } }
    })
    expect(next.UpdateExpression).toBe("SET #ver = :ver1, #m = :last, #ttl = :ttl")
    expect(next.ConditionExpression).toBe("#ver = :ver0")
    expect(next.ExpressionAttributeValues).toEqual({
      ":ver1": { N: "5" },
      ":ver0": { N: "4" },
      ":last": { S: "7" },
      ":ttl": { N: "99" }
    })
  })

  it("start a write from an expired row as from an absent one, keeping its version", () => {
    const stored = { pk: { S: "k" }, sk: { N: "0" }, v: { N: "5" }, ver: { N: "3" }, ttl: { N: "100" } }
    expect(liveRow(stored, 100_000)).toBe(stored)
    expect(liveRow(stored, 100_001)).toEqual({ ver: { N: "3" } })
    expect(liveRow(undefined, 100_001)).toBeUndefined()
  })
})
