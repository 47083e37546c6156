/**
 * Headless Chromium from Debian (/usr/bin/chromium) driven by playwright-core, with a fresh
 * profile per launch: no browser is ever downloaded. Every console error, page error and failed
 * or off-origin request is recorded so a test can assert there were none.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type BrowserContext, chromium, type Page } from "playwright-core"

export const chromiumPath = "/usr/bin/chromium"

const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** A browser page and what went wrong on it. */
export interface OpenPage {
  readonly page: Page
  /** Console errors, uncaught page errors, failed requests, requests to any other origin. */
  readonly problems: Array<string>
  /** Every URL the page requested. */
  readonly requests: Array<string>
  readonly close: () => Promise<void>
}

/**
 * Launches Chromium with a fresh user-data dir and opens one page of `origin`'s size for a laptop.
 *
 * @example
 * const browser = await openPage("http://127.0.0.1:8080")
 * await browser.page.goto("http://127.0.0.1:8080/")
 */
export const openPage = async (origin: string): Promise<OpenPage> => {
  const profile = mkdtempSync(join(tmpdir(), "murmur-chromium-"))
  let context: BrowserContext | undefined
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args,
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      timezoneId: "UTC",
      locale: "en-US"
    })
  } catch (error) {
    rmSync(profile, { recursive: true, force: true })
    throw error
  }
  const page = context.pages()[0] ?? (await context.newPage())
  const problems: Array<string> = []
  const requests: Array<string> = []
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`)
  })
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`))
  page.on("request", (request) => {
    requests.push(request.url())
    if (!request.url().startsWith(`${origin}/`) && !request.url().startsWith("data:")) problems.push(`off-origin request: ${request.url()}`)
  })
  return {
    page,
    problems,
    requests,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}
