/**
 * A user's first program against the packed tarball (copied into a fresh project by
 * scripts/check-package.sh and compiled there with strict NodeNext and skipLibCheck: false):
 * a pipeline, the processor and a query in memory, and the Lambda handler typed as
 * @types/aws-lambda's KinesisStreamHandler. Prints one line the script checks.
 */
import type { KinesisStreamEvent, KinesisStreamHandler } from "aws-lambda"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { count, layerNoop, MemoryState, pipeline, processBatch, Query, schemaDecoder, type SourceRecord, Window } from "murmur-ts"
import { kinesisHandler } from "murmur-ts/lambda"

const PageView = Schema.Struct({ page: Schema.String })

const views = pipeline({
  name: "views",
  key: (view: typeof PageView.Type) => `page:${view.page}`,
  monoid: count,
  window: Window.hourly("7 days"),
  store: "aggregates"
})
const decoder = schemaDecoder(PageView)
const services = Layer.merge(MemoryState.layer, layerNoop)

const encoder = new TextEncoder()
const now = Date.now()
const records: ReadonlyArray<SourceRecord> = ["/", "/", "/docs"].map((page, i) => ({
  eventId: `smoke/${i}`,
  eventTimeMs: now,
  data: encoder.encode(JSON.stringify({ page }))
}))

const inMemory = Effect.gen(function*() {
  yield* processBatch(views, decoder, records)
  return yield* Query.windowMany(views, ["page:/", "page:/docs"], "1 hour")
}).pipe(Effect.provide(services))

// The handler fits the type AWS users write; an event typed by @types/aws-lambda goes in as is.
const handler: KinesisStreamHandler = kinesisHandler(views, decoder, { layer: services })
const event: KinesisStreamEvent = {
  Records: [{
    awsRegion: "us-east-1",
    eventID: "shardId-000000000000:1",
    eventName: "aws:kinesis:record",
    eventSource: "aws:kinesis",
    eventSourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/smoke",
    eventVersion: "1.0",
    invokeIdentityArn: "arn:aws:iam::123456789012:role/smoke",
    kinesis: {
      approximateArrivalTimestamp: now / 1000,
      data: Buffer.from(JSON.stringify({ page: "/" })).toString("base64"),
      kinesisSchemaVersion: "1.0",
      partitionKey: "p",
      sequenceNumber: "1"
    }
  }]
}

const values = await Effect.runPromise(inMemory)
const context = { getRemainingTimeInMillis: () => 30_000 } as Parameters<KinesisStreamHandler>[1]
const answer = await handler(event, context, () => undefined)
console.log(`smoke: ${values.map(({ entity, value }) => `${entity}=${value}`).join(" ")} lambda failures=${answer?.batchItemFailures.length}`)
process.exit(0) // the handler's runtime is per container; end the process as Lambda would
