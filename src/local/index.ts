/**
 * Local stand-ins for the servers Murmur talks to, each started on a free 127.0.0.1 port for the
 * life of an Effect `Scope`: DynamoDB Local (needs Java), kinesalite (in process), redis-server.
 * The CLI's demo, the tests and the benches all start their servers here. Not a package entry:
 * it is tooling, not library API.
 */
export { localCredentials, localRegion } from "./credentials.js"
export { dynamoDbLocalStartDeadline, localDynamoClient, type LocalDynamoDb, startDynamoDbLocal, startDynamoDbLocalOn } from "./dynamodbLocal.js"
export { freePort } from "./freePort.js"
export { javaAvailable } from "./java.js"
export { type LocalKinesis, localKinesisClient, startKinesalite, startKinesaliteOn } from "./kinesalite.js"
export { LocalServerFailed } from "./LocalServerFailed.js"
export { type LocalRedis, type LocalRedisOptions, redisStartDeadline, startRedis } from "./redis.js"
export { type Started, startScoped } from "./scoped.js"
