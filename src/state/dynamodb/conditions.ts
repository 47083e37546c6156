import type { CancellationReason } from "@aws-sdk/client-dynamodb"
import type { StoreError } from "../../errors.js"
import { errorName } from "../storeErrors.js"
import type { Item } from "./row.js"

/**
 * When a call failed only because its condition did not hold: the old item DynamoDB returned
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`; `undefined` when the row is absent).
 */
export const conditionFailedItem = (error: StoreError): { readonly item: Item | undefined } | undefined =>
  errorName(error.cause) === "ConditionalCheckFailedException"
    ? { item: (error.cause as { Item?: Item }).Item }
    : undefined

/** The per-action reasons of a cancelled transaction, or `undefined` for any other failure. */
export const cancellationReasons = (error: StoreError): ReadonlyArray<CancellationReason> | undefined =>
  errorName(error.cause) === "TransactionCanceledException"
    ? ((error.cause as { CancellationReasons?: ReadonlyArray<CancellationReason> }).CancellationReasons ?? [])
    : undefined
