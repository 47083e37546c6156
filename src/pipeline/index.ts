export * from "./Pipeline.js"
