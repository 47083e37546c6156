import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/dynamodbLocal.global.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: DynamoDB Local's JVM needs one of them.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: "forks"
  }
})
