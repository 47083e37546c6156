/**
 * What a store call threw, classified once: transient or not, and a typed `StoreErrorReason`. The
 * names are the AWS SDK's (DynamoDB today); no SDK import, so drivers can classify without pulling a
 * backend into their bundle.
 */
import { StoreError, type StoreErrorReason } from "../errors.js"

// Error names DynamoDB (or the SDK) uses for conditions that pass when tried again later.
const transientNames = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "TransactionConflictException",
  "TransactionInProgressException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "NetworkingError"
])

// Node socket error codes of a request that may or may not have reached DynamoDB.
const transientCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET"
])

interface SdkErrorShape {
  readonly name?: unknown
  readonly code?: unknown
  readonly message?: unknown
  readonly $metadata?: { readonly httpStatusCode?: number }
  readonly $retryable?: unknown
}

/** Whether an SDK or network error is worth retrying (throttling, 5xx, network, conflicts). */
export const isTransient = (cause: unknown): boolean => {
  if (typeof cause !== "object" || cause === null) return false
  const error = cause as SdkErrorShape
  if (typeof error.name === "string" && transientNames.has(error.name)) return true
  if (typeof error.code === "string" && transientCodes.has(error.code)) return true
  const status = error.$metadata?.httpStatusCode
  if (typeof status === "number" && status >= 500) return true
  return error.$retryable !== undefined && error.$retryable !== null && error.$retryable !== false
}

// Error names of a wrong environment: the table is missing, or the caller may not use it.
const accessNames = new Set([
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "IncompleteSignature",
  "CredentialsProviderError"
])
const throttleNames = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException"
])
const conflictNames = new Set(["TransactionConflictException", "TransactionInProgressException", "ConditionalCheckFailedException"])

/**
 * What kind of failure an SDK or network error is (see `StoreErrorReason`).
 *
 * @example
 * reasonOf(Object.assign(new Error("x"), { name: "ResourceNotFoundException" })) // "missing-table"
 */
export const reasonOf = (cause: unknown): StoreErrorReason => {
  if (typeof cause !== "object" || cause === null) return "unknown"
  const error = cause as SdkErrorShape
  const name = typeof error.name === "string" ? error.name : ""
  if (name === "ResourceNotFoundException") return "missing-table"
  if (accessNames.has(name)) return "access-denied"
  if (name === "ValidationException" || name === "ItemCollectionSizeLimitExceededException") return "validation"
  if (throttleNames.has(name)) return "throttled"
  if (conflictNames.has(name)) return "conflict"
  if (typeof error.code === "string" && transientCodes.has(error.code)) return "network"
  if (name === "TimeoutError" || name === "NetworkingError" || name.startsWith("RequestTimeout")) return "network"
  const status = error.$metadata?.httpStatusCode
  if ((typeof status === "number" && status >= 500) || transientNames.has(name)) return "server"
  return "unknown"
}

/** The error's name, for messages and for matching DynamoDB exceptions. */
export const errorName = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && typeof (cause as SdkErrorShape).name === "string"
    ? (cause as { name: string }).name
    : "UnknownError"

/** Maps anything a DynamoDB call threw to a `StoreError`, classified transient or not. */
export const toStoreError = (operation: string, cause: unknown): StoreError => {
  const message = typeof cause === "object" && cause !== null && typeof (cause as SdkErrorShape).message === "string"
    ? (cause as { message: string }).message
    : String(cause)
  return new StoreError({
    operation,
    transient: isTransient(cause),
    reason: reasonOf(cause),
    message: `${operation}: ${errorName(cause)}: ${message}`,
    cause
  })
}
