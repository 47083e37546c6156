import { vi } from "vitest"

/** A log line the handler wrote (JSON lines on standard output, plain lines on standard error). */
export interface CapturedLine {
  readonly level: string
  readonly message: string
}

/**
 * Captures the handler's log lines while `run` runs: the JSON logger's standard-output lines and
 * the `console.error` lines written before a runtime exists.
 */
export const captureLogs = async <A>(run: () => Promise<A>): Promise<{ readonly result: A; readonly lines: Array<CapturedLine> }> => {
  const lines: Array<CapturedLine> = []
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
    for (const text of String(chunk).split("\n")) {
      if (text.trim() === "") continue
      try {
        const parsed = JSON.parse(text) as { level?: string; message?: string }
        lines.push({ level: parsed.level ?? "", message: parsed.message ?? "" })
      } catch {
        lines.push({ level: "", message: text })
      }
    }
    return true
  })
  const error = vi.spyOn(console, "error").mockImplementation((...parts: Array<unknown>) => {
    lines.push({ level: "ERROR", message: parts.map(String).join(" ") })
  })
  try {
    return { result: await run(), lines }
  } finally {
    write.mockRestore()
    error.mockRestore()
  }
}
