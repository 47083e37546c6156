/** Tracing: span names and helpers the library's spans share (OpenTelemetry wiring is in `src/otel`). */
export { outcomeCounts, spanNames, tracingEnabled, withSpanWhenTraced } from "./spans.js"
