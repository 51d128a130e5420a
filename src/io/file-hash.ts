/**
 * SHA-256 of input files for run manifests, computed in a worker thread so that hashing a
 * gigabyte pool overlaps with parsing it on the main thread. Hashes of large files are cached
 * by path, size, modification time and inode (in ~/.cache/dataperf, or $DATAPERF_CACHE_DIR), so
 * evaluating many training sets against one pool hashes the pool once.
 */
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import { writeFileAtomic } from './atomic-write.js'
import { cacheDir } from './cache-dir.js'

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { openSync, readSync, closeSync } = require('node:fs')
const out = {}
const buf = Buffer.allocUnsafe(8 << 20)
for (const path of workerData) {
  const hash = createHash('sha256')
  const fd = openSync(path, 'r')
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n))
  } finally { closeSync(fd) }
  out[path] = hash.digest('hex')
}
parentPort.postMessage(out)
`

const CACHE_MIN_BYTES = 64 << 20
// Smaller files are hashed at once on this thread: a worker thread costs more to start (tens of
// ms, and its own heap) than hashing a few megabytes.
const WORKER_MIN_BYTES = 4 << 20

interface CacheEntry {
  size: number
  mtimeMs: number
  ino: number
  sha256: string
}

function cachePath(): string {
  return join(cacheDir(), 'sha256.json')
}

function readCache(): Record<string, CacheEntry> {
  try {
    return JSON.parse(readFileSync(cachePath(), 'utf8')) as Record<string, CacheEntry>
  } catch {
    return {}
  }
}

function hashInWorker(paths: string[]): Promise<Record<string, string>> {
  if (paths.length === 0) return Promise.resolve({})
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: paths, execArgv: [] })
    worker.once('message', (hashes: Record<string, string>) => resolvePromise(hashes))
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`hash worker exited with code ${code}`))
    })
  })
}

/** Starts hashing now; await the promise when the hashes are needed. Keys are the given paths. */
export async function hashFilesInBackground(paths: string[]): Promise<Record<string, string>> {
  const unique = [...new Set(paths)]
  const cache = readCache()
  const out: Record<string, string> = {}
  const todo: string[] = []
  const stats = new Map(unique.map((p) => [p, statSync(p)]))
  for (const p of unique) {
    const st = stats.get(p)!
    const hit = cache[resolve(p)]
    if (st.size >= CACHE_MIN_BYTES && hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino)
      out[p] = hit.sha256
    else todo.push(p)
  }
  const fresh: Record<string, string> = {}
  for (const p of todo)
    if (stats.get(p)!.size < WORKER_MIN_BYTES) fresh[p] = createHash('sha256').update(readFileSync(p)).digest('hex')
  Object.assign(fresh, await hashInWorker(todo.filter((p) => fresh[p] === undefined)))
  let changed = false
  for (const [p, sha256] of Object.entries(fresh)) {
    out[p] = sha256
    const st = stats.get(p)!
    if (st.size >= CACHE_MIN_BYTES) {
      cache[resolve(p)] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 }
      changed = true
    }
  }
  if (changed) {
    try {
      writeFileAtomic(cachePath(), JSON.stringify(cache))
    } catch {
      /* a cache we cannot write only costs time */
    }
  }
  return out
}
