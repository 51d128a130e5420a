/**
 * Generated fixtures shared by test files: several files need the same generated data (the same
 * generator, seed and size), and `npm test` runs them in separate processes, so each made its own.
 * A shared fixture is made once per build under the system's temp folder and read by everyone.
 *
 * - The folder's name holds a hash of the built sources and test helpers: a changed generator
 *   never serves a stale fixture. Folders of other builds older than a day are removed.
 * - Made in a temp folder, then renamed into place: two files asking at once each make one, the
 *   first rename wins, the other copy is dropped; nobody reads a half-made fixture.
 * - Read-only for its users: a test that changes files copies the fixture first (copyFixture).
 */
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateVisionBenchmark } from '../../src/synth/vision.js'
import { REPO_ROOT } from './paths.js'

const CACHE_ROOT = join(tmpdir(), 'dataperf-test-fixtures')
const DAY_MS = 24 * 3600 * 1000

let buildFolder: string | undefined

/** This build's cache folder: a hash of every file under dist/src and dist/test/helpers (paths and bytes). */
function buildCache(): string {
  if (buildFolder) return buildFolder
  const h = createHash('sha256')
  for (const folder of ['dist/src', 'dist/test/helpers']) {
    const root = join(REPO_ROOT, folder)
    for (const f of (readdirSync(root, { recursive: true }) as string[]).sort()) {
      const p = join(root, f)
      if (statSync(p).isFile()) h.update(join(folder, f)).update('\0').update(readFileSync(p))
    }
  }
  buildFolder = join(CACHE_ROOT, h.digest('hex').slice(0, 16))
  if (!existsSync(buildFolder)) removeOldBuilds()
  mkdirSync(buildFolder, { recursive: true })
  return buildFolder
}

function removeOldBuilds(): void {
  if (!existsSync(CACHE_ROOT)) return
  for (const name of readdirSync(CACHE_ROOT)) {
    const p = join(CACHE_ROOT, name)
    try {
      if (Date.now() - statSync(p).mtimeMs > DAY_MS) rmSync(p, { recursive: true, force: true })
    } catch {
      /* another process removed it */
    }
  }
}

function tempBeside(path: string): string {
  return `${path}.tmp-${process.pid}-${Math.random().toString(16).slice(2, 10)}`
}

/** Moves a made fixture into place; false when another process put one there first (ours is dropped). */
function moveIntoPlace(tmp: string, path: string): boolean {
  try {
    renameSync(tmp, path)
    return true
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    if (existsSync(path)) return false
    throw err
  }
}

/**
 * The shared fixture `name` (a folder): made by `make(dir)` into an empty folder the first time
 * this build asks for it, in any test file; the same folder afterwards. Do not change its files.
 */
export function sharedFixture(name: string, make: (dir: string) => void): string {
  const path = join(buildCache(), name)
  if (existsSync(path)) return path
  const tmp = tempBeside(path)
  try {
    make(tmp)
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    throw err
  }
  moveIntoPlace(tmp, path)
  return path
}

/** The shared fixture `name` if a test file already made or published it. */
export function findSharedFixture(name: string): string | undefined {
  const path = join(buildCache(), name)
  return existsSync(path) ? path : undefined
}

/** Publishes a copy of `dir` as the shared fixture `name` unless there is one already. */
export function publishSharedFixture(name: string, dir: string): void {
  const path = join(buildCache(), name)
  if (existsSync(path)) return
  const tmp = tempBeside(path)
  cpSync(dir, tmp, { recursive: true })
  moveIntoPlace(tmp, path)
}

/** A copy of a shared fixture at `to`, for a test that changes or adds files. */
export function copyFixture(fixture: string, to: string): string {
  cpSync(fixture, to, { recursive: true })
  return to
}

/**
 * What `dataperf generate vision --out DIR --pool-size 20000` writes (seed 0): the raw pool and
 * human labels that create vision and challenge pack start from. Read-only.
 */
export function rawVisionPool(): string {
  return sharedFixture('generate-vision-seed0-pool20000', (out) =>
    generateVisionBenchmark({ out, seed: 0, poolSize: 20000 }),
  )
}

/** The shared fixture name of `serve --demo`'s challenge folder with its baselines' files (seed 0). */
export const DEMO_CHALLENGE_FIXTURE = 'serve-demo-challenge-seed0'
