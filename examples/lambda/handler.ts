/**
 * The deployable handler: DynamoDB state configured from the environment (MURMUR_CLAIMS_TABLE,
 * AWS_REGION, optional MURMUR_DYNAMODB_ENDPOINT), built once per container.
 */
import { kinesisHandler } from "../../src/kinesis/lambda/index.js"
import { pageViewDecoder, pageViews } from "./pipeline.js"

export const handler = kinesisHandler(pageViews, pageViewDecoder, {
  onDecodeError: (raw, sequenceNumber, partitionKey, error) => {
    // Not retried (it would fail again): log enough to find the record in the stream.
    console.warn(JSON.stringify({ msg: "undecodable record", sequenceNumber, partitionKey, bytes: raw.length, error: error.message }))
  }
})
