import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (the folder holding package.json), whether tests run from test/ or dist/test/. */
export const REPO_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('package.json not found above the tests')
    dir = up
  }
  return dir
})()

/** Original files from the official repositories (copied from shared/reference), for format tests. */
export function officialFixture(relative: string): string {
  return resolve(REPO_ROOT, 'test/fixtures/official', relative)
}

/** The built CLI launcher. */
export const CLI = join(REPO_ROOT, 'bin/dataperf.js')
