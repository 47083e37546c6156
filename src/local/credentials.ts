/**
 * Credentials for the local servers: they accept any, but the AWS SDK refuses to sign without
 * some, and a fresh machine has none configured.
 *
 * @example
 * new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials })
 */
export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" } as const

/**
 * The region the local clients claim (the servers ignore it).
 *
 * @example
 * new KinesisClient({ endpoint, region: localRegion, credentials: localCredentials })
 */
export const localRegion = "us-east-1"
