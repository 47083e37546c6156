import { KinesisClient } from "@aws-sdk/client-kinesis"
import { NodeHttpHandler } from "@smithy/node-http-handler"
import type { AddressInfo } from "node:net"
// kinesalite ships no types; it is an in-process Kinesis written by others.
import kinesalite from "kinesalite"

export interface Kinesalite {
  readonly endpoint: string
  /** A client for it: HTTP/1.1 (kinesalite speaks nothing else) and a request timeout. */
  readonly client: () => KinesisClient
  readonly stop: () => Promise<void>
}

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" }

/** Makes a Kinesis client for a kinesalite endpoint. */
export const kinesaliteClient = (endpoint: string): KinesisClient =>
  new KinesisClient({
    endpoint,
    region: "us-east-1",
    credentials: localCredentials,
    // AT_TIMESTAMP on an empty shard hangs in kinesalite: a timeout turns that into an error.
    requestHandler: new NodeHttpHandler({ requestTimeout: 10_000, connectionTimeout: 5_000, throwOnRequestTimeout: true })
  })

/** Starts kinesalite in this process on a free 127.0.0.1 port, with instant stream operations. */
export const startKinesalite = async (): Promise<Kinesalite> => {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const port = (server.address() as AddressInfo).port
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    client: () => kinesaliteClient(endpoint),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
