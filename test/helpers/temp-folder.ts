/**
 * A test file's working folders in the system's temp folder, removed when its process exits,
 * whether its tests passed or not: a day of suite runs had left 13 GB there (22 files made 26
 * folders per run, some of 22 MB, and never removed them).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made: string[] = []

process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

/** A new empty folder named `dataperf-<name>-XXXXXX` under the temp folder, gone at exit. */
export function tempFolder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dataperf-${name}-`))
  made.push(dir)
  return dir
}
