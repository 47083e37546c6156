import { StoreError } from "../../errors.js"

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
    message: `${operation}: ${errorName(cause)}: ${message}`,
    cause
  })
}
