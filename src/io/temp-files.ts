/**
 * The one temp-file mechanism. Whatever must appear whole (a parquet file, a YAML file, an
 * experiment folder, an extracted zip) is written under a temporary name beside its final place,
 * `.NAME.tmp-PID-RANDOM`, and renamed when complete. While it exists the temp path is registered:
 * - released (`keepTemp`) once renamed into place, or removed (`removeTemp`) on an error;
 * - removed when the process exits, and on SIGINT / SIGTERM once the CLI has called
 *   `removeTempsOnSignals` (listeners are attached only while a temp path exists, so Ctrl-C still
 *   stops a long computation at once when nothing needs cleaning);
 * - when a run was killed outright (SIGKILL, power loss), the next run that writes into the same
 *   folder removes the temp paths there whose process is gone (the name carries its process id).
 * A long synchronous job that holds a temp path must yield now and then (see synth/steps.ts) for
 * a signal's handler to run.
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { isMainThread } from 'node:worker_threads'

const registered = new Set<string>()
const swept = new Set<string>()

/** Our temp names, and the download's names of earlier versions (`.dataperf-extract-PID-hex`). */
const TEMP_NAME = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/
const LEGACY_TEMP_NAME = /^\.dataperf-[a-z]+-(\d+)-[0-9a-f]+$/

/** True when process `pid` is running (on this machine). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes temp paths in `dir` left by processes that are gone (a killed run's half-written file or
 * folder). Ours and those of live processes stay. Best effort: a path that cannot be removed is left.
 */
export function removeStaleTemps(dir: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name) ?? LEGACY_TEMP_NAME.exec(name)
    if (!m) continue
    const pid = Number(m[1])
    if (pid === process.pid || processAlive(pid)) continue
    try {
      rmSync(join(dir, name), { recursive: true, force: true })
    } catch {
      /* left for a later run */
    }
  }
}

/**
 * A fresh temp path beside `path` (same folder, so the final rename stays on one file system),
 * registered for removal. The folder's stale temp paths are removed first (once per process).
 */
export function tempPathFor(path: string): string {
  const dir = dirname(path)
  const key = resolve(dir)
  if (!swept.has(key)) {
    swept.add(key)
    removeStaleTemps(dir)
  }
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
  registerTemp(tmp)
  return tmp
}

/** Registers a path to remove on exit or interruption (a lock file, say); `keepTemp` forgets it. */
export function registerTemp(path: string): void {
  registered.add(path)
  installExitHook()
  updateSignalListeners()
}

/** The temp path became the real thing (renamed into place), or is someone else's now: forget it. */
export function keepTemp(path: string): void {
  registered.delete(path)
  updateSignalListeners()
}

/** Removes a temp path (file or folder) now and forgets it. */
export function removeTemp(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true })
  } finally {
    keepTemp(path)
  }
}

/** Removes every registered temp path now (synchronous: called on exit and from signal handlers). */
export function removeAllTemps(): void {
  for (const path of registered) {
    try {
      rmSync(path, { recursive: true, force: true })
    } catch {
      /* best effort while exiting */
    }
  }
  registered.clear()
  updateSignalListeners()
}

let exitHook = false
function installExitHook(): void {
  if (exitHook) return
  exitHook = true
  process.on('exit', removeAllTemps)
}

const SIGNALS = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const

let onSignals = false
let attached = false
let interruptNote: string | undefined

function handler(signal: NodeJS.Signals): void {
  const code = SIGNALS.find(([s]) => s === signal)![1]
  // another part of the program handles this signal (a server shutting down): it decides when to
  // exit; the exit hook removes what is left
  if (process.listenerCount(signal) > 1) return
  removeAllTemps()
  const note = interruptNote
  process.stderr.write(`\ninterrupted${note ? `; ${note}` : ''}\n`)
  process.exit(code)
}

function updateSignalListeners(): void {
  if (!onSignals || !isMainThread) return
  const want = registered.size > 0
  if (want === attached) return
  attached = want
  for (const [signal] of SIGNALS) {
    if (want) process.on(signal, handler)
    else process.off(signal, handler)
  }
}

/**
 * Called once by the CLI: on SIGINT / SIGTERM while a temp path exists, remove them all, print
 * "interrupted" (with the note, if a command set one) and exit 130 / 143.
 */
export function removeTempsOnSignals(): void {
  onSignals = true
  updateSignalListeners()
}

/** What the "interrupted" line adds, e.g. how to resume a download. */
export function setInterruptNote(note: string | undefined): void {
  interruptNote = note
}
