export { isTransient, toStoreError } from "../storeErrors.js"
export { dynamoStateConfigFromEnv, type DynamoStateConfig } from "./config.js"
export { checkpointKeyOf, DynamoCheckpoints, makeDynamoCheckpoints } from "./DynamoCheckpoints.js"
export { DynamoClient, makeDynamoClient } from "./DynamoClient.js"
export { DynamoDeduper, makeDynamoDeduper } from "./DynamoDeduper.js"
export { DynamoLeases, makeDynamoLeases } from "./DynamoLeases.js"
export { DynamoState, type DynamoStateServices } from "./DynamoState.js"
export { DynamoStore, type DynamoStoreOptions, makeDynamoStore } from "./DynamoStore.js"
export { markAttribute } from "./row.js"
export {
  aggregateTableDefinition,
  checkpointsTableDefinition,
  claimsTableDefinition,
  createTables,
  type CreateTablesOptions
} from "./tables.js"
