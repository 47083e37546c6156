/**
 * Record identity: event ids (one function per source kind), Kinesis sequence numbers
 * (comparison, padding for DynamoDB) and key checks. Each is written once here, below state,
 * processor and drivers, which all use it.
 *
 * @example
 * import { compareSequence, keyProblem, lambdaEventId } from "./record/index.js"
 */
export { consumerEventId, lambdaEventId } from "./eventId.js"
export { fitsKey, keyProblem, maxKeyBytes, utf8Length } from "./key.js"
export { compareSequence, isSequenceNumber, padSequence, sequenceWidth, unpadSequence } from "./sequence.js"
