/**
 * Temporary paths of a download job (extraction folders, lock files) that must not outlive it:
 * removed in `finally` blocks, on Ctrl-C by the CLI's signal handler, and, when a killed run left
 * them behind, by the next run (their names carry the process id that made them).
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const tracked = new Set<string>()

/** A fresh temp name in `dir`: `.dataperf-{kind}-{pid}-{random}`. */
export function tempName(dir: string, kind: string): string {
  return join(dir, `.dataperf-${kind}-${process.pid}-${randomBytes(4).toString('hex')}`)
}

/** Remembers `path` for removal on interruption; returns the function that forgets it again. */
export function track(path: string): () => void {
  tracked.add(path)
  return () => {
    tracked.delete(path)
  }
}

/** Removes every tracked path now (synchronously: called from signal handlers). */
export function removeTracked(): void {
  for (const path of tracked) {
    try {
      rmSync(path, { recursive: true, force: true })
    } catch {
      /* best effort while exiting */
    }
  }
  tracked.clear()
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes `.dataperf-*-{pid}-*` leftovers in `dir` whose process is gone. */
export function removeStaleTemps(dir: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const m = /^\.dataperf-[a-z]+-(\d+)-[0-9a-f]+$/.exec(name)
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) {
      try {
        rmSync(join(dir, name), { recursive: true, force: true })
      } catch {
        /* left for later */
      }
    }
  }
}

let installed = false

/** On Ctrl-C or SIGTERM: remove tracked temp paths (keeping .part files to resume) and exit. */
export function installSignalCleanup(): void {
  if (installed) return
  installed = true
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      removeTracked()
      process.stderr.write(`\ninterrupted; run the same command again to resume the download\n`)
      process.exit(code)
    })
  }
}
