import { defineConfig } from "vitest/config"

// Two projects: unit tests need no server (no Java), so they start nothing; integration and
// conformance tests share one DynamoDB Local for the whole run.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: DynamoDB Local's JVM needs one of them.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] }
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "test/conformance/**/*.test.ts"],
          globalSetup: ["test/support/dynamodbLocal.global.ts"]
        }
      }
    ]
  }
})
