// Debian's Chromium driven by playwright-core, for the pages' tests: its headless shell (Debian's
// chromium-headless-shell: the same Chromium sources built as a headless-only browser, the kind
// Playwright itself runs for headless tests by default), which took a third of the full browser's
// CPU for the same contexts and pages (4.4-4.8 vs 12.4 s for eight visitors of two pages each, every
// process counted, Chromium 156). The flags keep Chromium from reaching for the network (this
// machine and CI have none outside loopback) and from needing a GPU or a sandbox (tests run as root
// in CI). A missing Chromium fails the test: CI installs it.
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env['DATAPERF_CHROMIUM'] ?? '/usr/bin/chromium-headless-shell'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install chromium-headless-shell" (.ci/run does)`,
    )
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
}

export const DESKTOP = { width: 1280, height: 900 } as const
export const PHONE = { width: 390, height: 844 } as const

/** A fresh context (cookies, storage) per simulated visitor. */
export async function newVisitor(
  browser: Browser,
  opts: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number }; timezoneId?: string } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: opts.viewport ?? DESKTOP,
    timezoneId: opts.timezoneId ?? 'UTC',
    locale: 'en-US',
    acceptDownloads: true,
  })
}

/** A visitor's tab (its first, or a new one) at `url`. */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto(url)
  return page
}
