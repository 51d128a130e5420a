/**
 * SHA-256 of input files for run manifests, computed in a worker thread so that hashing a
 * gigabyte pool overlaps with parsing it on the main thread.
 */
import { Worker } from 'node:worker_threads'

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

/** Starts hashing now; await the promise when the hashes are needed. */
export function hashFilesInBackground(paths: string[]): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: [...new Set(paths)] })
    worker.once('message', (hashes: Record<string, string>) => resolve(hashes))
    worker.once('error', reject)
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`hash worker exited with code ${code}`)) })
  })
}
