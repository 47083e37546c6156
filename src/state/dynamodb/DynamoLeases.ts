import { type DynamoDBClient, QueryCommand, type QueryCommandOutput, UpdateItemCommand } from "@aws-sdk/client-dynamodb"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { StaleCheckpoint, type StoreError } from "../../errors.js"
import { type Lease, LeaseLost, type LeaseRow, Leases, type LeasesService, type TakeRequest } from "../Leases.js"
import { padSequence } from "../../record/index.js"
import { conditionFailedItem } from "./conditions.js"
import { checkpointKeyOf, toCheckpoint } from "./DynamoCheckpoints.js"
import { DynamoClient } from "./DynamoClient.js"
import type { Item } from "./row.js"
import { send } from "./send.js"

/** Attribute names: the lease's (`owner` ... `parents`) and the checkpoint's (`seq`, `finished`, `updatedAt`). */
const attributeNames: Readonly<Record<string, string>> = {
  "#owner": "owner",
  "#counter": "leaseCounter",
  "#expires": "leaseExpiresAt",
  "#parents": "parents",
  "#seq": "seq",
  "#finished": "finished",
  "#updatedAt": "updatedAt"
}

/** The names an expression uses (DynamoDB rejects unused ones). */
const namesIn = (expression: string): Record<string, string> =>
  Object.fromEntries([...new Set(expression.match(/#\w+/g) ?? [])].map((name) => [name, attributeNames[name]!]))

const toLeaseRow = (item: Item): LeaseRow => {
  const checkpoint = toCheckpoint(item)
  return {
    shardId: item["sk"]?.S ?? "",
    owner: checkpoint.owner,
    counter: checkpoint.leaseCounter,
    expiresAt: item["leaseExpiresAt"]?.N === undefined ? undefined : Number(item["leaseExpiresAt"].N),
    sequence: checkpoint.sequence,
    finished: checkpoint.finished,
    parents: (item["parents"]?.L ?? []).flatMap((parent) => (parent.S === undefined ? [] : [parent.S]))
  }
}

/** `leaseCounter = :counter`; a never-taken row (counter 0) may not have the attribute yet. */
const counterIs = (counter: number) =>
  counter === 0 ? "(attribute_not_exists(#counter) OR #counter = :counter)" : "#counter = :counter"

/** The condition that the row is still exactly as the taker listed it. */
const unchanged = (observed: LeaseRow | undefined): { condition: string; values: Item } => {
  if (observed === undefined) return { condition: "attribute_not_exists(pk)", values: {} }
  const values: Item = { ":counter": { N: String(observed.counter) } }
  const parts = [counterIs(observed.counter)]
  if (observed.owner === undefined) {
    parts.push("attribute_not_exists(#owner)")
  } else {
    parts.push("#owner = :observedOwner")
    values[":observedOwner"] = { S: observed.owner }
  }
  if (observed.expiresAt === undefined) {
    parts.push("attribute_not_exists(#expires)")
  } else {
    parts.push("#expires = :observedExpires")
    values[":observedExpires"] = { N: String(observed.expiresAt) }
  }
  return { condition: parts.join(" AND "), values }
}

const heldBy = (lease: Lease): Item => ({ ":me": { S: lease.owner }, ":counter": { N: String(lease.counter) } })
const heldCondition = "#owner = :me AND #counter = :counter"

const leaseLost = (lease: Lease, item: Item | undefined) => {
  const holder = item?.["owner"]?.S
  return new LeaseLost({
    shardId: lease.key.shardId,
    owner: lease.owner,
    holder,
    message: `lease of ${lease.key.shardId} is held by ${holder ?? "nobody"} (counter ${item?.["leaseCounter"]?.N ?? "0"})`
  })
}

const stillHeld = (lease: Lease, item: Item | undefined) =>
  item?.["owner"]?.S === lease.owner && item["leaseCounter"]?.N === String(lease.counter)

/**
 * Shard leases on the checkpoints table (one item per shard, `pk` = `<app>#<stream>`, `sk` = shard
 * id): `owner` S, `leaseCounter` N, `leaseExpiresAt` N (epoch ms), `parents` L of S, next to the
 * checkpoint's `seq`, `finished` and `updatedAt`. `list` is one consistent `Query` per (app, stream)
 * (paged), every other call one conditional `UpdateItem`.
 */
export const makeDynamoLeases = (client: DynamoDBClient, table: string): LeasesService => {
  const update = (
    lease: Pick<Lease, "key">,
    expression: string,
    condition: string,
    values: Item
  ) =>
    send("UpdateItem", (abortSignal) =>
      client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: checkpointKeyOf(lease.key),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(`${expression} ${condition}`),
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: "ALL_OLD"
        }),
        { abortSignal }
      ))

  /** A write conditional on holding `lease`: a failed condition is `LeaseLost`. */
  const updateHeld = (lease: Lease, expression: string, values: Item = {}) =>
    update(lease, expression, heldCondition, { ...heldBy(lease), ...values }).pipe(
      Effect.asVoid,
      Effect.catchIf(
        (error): error is StoreError => conditionFailedItem(error) !== undefined,
        (error) => Effect.fail(leaseLost(lease, conditionFailedItem(error)?.item))
      )
    )

  const list: LeasesService["list"] = (app, stream) =>
    Effect.gen(function*() {
      const rows: Array<LeaseRow> = []
      let start: Record<string, never> | undefined
      do {
        const page: QueryCommandOutput = yield* send("Query", (abortSignal) =>
          client.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": checkpointKeyOf({ app, stream, shardId: "" })["pk"]! },
              ConsistentRead: true,
              ExclusiveStartKey: start
            }),
            { abortSignal }
          ))
        for (const item of page.Items ?? []) rows.push(toLeaseRow(item))
        start = page.LastEvaluatedKey as Record<string, never> | undefined
      } while (start !== undefined)
      return rows
    })

  const take = (request: TakeRequest): Effect.Effect<Option.Option<Lease>, StoreError> => {
    const counter = (request.observed?.counter ?? 0) + 1
    const { condition, values } = unchanged(request.observed)
    return update(
      request,
      "SET #owner = :owner, #counter = :next, #expires = :expires, #parents = :parents",
      condition,
      {
        ...values,
        ":owner": { S: request.owner },
        ":next": { N: String(counter) },
        ":expires": { N: String(request.expiresAt) },
        ":parents": { L: request.parents.map((parent) => ({ S: parent })) }
      }
    ).pipe(
      Effect.as(Option.some<Lease>({ key: request.key, owner: request.owner, counter, expiresAt: request.expiresAt })),
      Effect.catchIf((error) => conditionFailedItem(error) !== undefined, () => Effect.succeed(Option.none<Lease>()))
    )
  }

  const renew: LeasesService["renew"] = (lease, expiresAt) =>
    updateHeld(lease, "SET #expires = :expires", { ":expires": { N: String(expiresAt) } }).pipe(
      Effect.as({ ...lease, expiresAt })
    )

  const release: LeasesService["release"] = (lease) => updateHeld(lease, "REMOVE #owner, #expires")

  const checkpoint: LeasesService["checkpoint"] = (lease, sequence, finished) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const assignments = ["#updatedAt = :now"]
      const values: Item = { ...heldBy(lease), ":now": { N: String(now) } }
      let condition = heldCondition
      if (sequence !== undefined) {
        assignments.push("#seq = :seq")
        values[":seq"] = { S: padSequence(sequence) }
        condition += " AND (attribute_not_exists(#seq) OR #seq <= :seq)"
      }
      if (finished) {
        assignments.push("#finished = :true")
        values[":true"] = { BOOL: true }
      }
      return update(lease, `SET ${assignments.join(", ")}`, condition, values)
    }).pipe(
      Effect.asVoid,
      Effect.catchIf(
        (error) => conditionFailedItem(error) !== undefined,
        (error): Effect.Effect<never, LeaseLost | StaleCheckpoint> => {
          const item = conditionFailedItem(error)?.item
          if (!stillHeld(lease, item)) return Effect.fail(leaseLost(lease, item))
          const stored = item === undefined ? undefined : toCheckpoint(item).sequence
          return Effect.fail(
            new StaleCheckpoint({
              shardId: lease.key.shardId,
              attempted: sequence ?? "",
              message: `checkpoint of ${lease.key.shardId} is already at ${stored ?? "a later sequence"}`
            })
          )
        }
      )
    )

  return { list, take, renew, release, checkpoint }
}

/**
 * Leases on the checkpoints table (`pk` S, `sk` S), on the `DynamoClient` in context.
 *
 * @example
 * const leases = DynamoLeases.layer("murmur-checkpoints").pipe(Layer.provide(DynamoClient.layerFromEnv))
 */
const layer = (table: string): Layer.Layer<Leases, never, DynamoClient> =>
  Layer.effect(Leases, Effect.map(DynamoClient, (client) => makeDynamoLeases(client, table)))

/** Leases on the table named by `MURMUR_CHECKPOINTS_TABLE`. */
const layerFromEnv: Layer.Layer<Leases, ConfigError.ConfigError, DynamoClient> = Layer.unwrapEffect(
  Effect.map(Config.nonEmptyString("MURMUR_CHECKPOINTS_TABLE"), layer)
)

/** The DynamoDB lease layers (leases share the checkpoints table). */
export const DynamoLeases = { layer, layerFromEnv, make: makeDynamoLeases } as const
