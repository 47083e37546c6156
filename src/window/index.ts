export * from "./Window.js"
