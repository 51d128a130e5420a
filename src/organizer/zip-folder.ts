/**
 * Zips files for the public bundle with yazl: entries in sorted order with a fixed time stamp, so
 * the same experiment always packs to the same bytes (and the same SHA-256 in the parameters file).
 */
import { createHash } from 'node:crypto'
import { createWriteStream, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import yazl from 'yazl'

const FIXED_TIME = new Date(Date.UTC(2020, 0, 1))

/** Every file under `dir`, relative to it, with forward slashes, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

/** A file on disk (`source`) or text of ours (`bytes`), stored under `name`. */
export interface ZipEntry {
  source: string
  name: string
  bytes?: Buffer
}
export interface WrittenZip {
  path: string
  size: number
  sha256: string
  entries: string[]
}

/** Writes `entries` (files on disk, names inside the zip) to `path`; returns its size and SHA-256. */
export async function writeZip(path: string, entries: ZipEntry[]): Promise<WrittenZip> {
  const zip = new yazl.ZipFile()
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of sorted) {
    // parquet is compressed already; deflating it again costs time for nothing
    if (e.bytes) zip.addBuffer(e.bytes, e.name, { mtime: FIXED_TIME, mode: 0o100644 })
    else zip.addFile(e.source, e.name, { mtime: FIXED_TIME, mode: 0o100644, compress: !e.name.endsWith('.parquet') })
  }
  zip.end()
  const hash = createHash('sha256')
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      done(null, chunk)
    },
  })
  await pipeline(zip.outputStream, tap, createWriteStream(path))
  return { path, size: statSync(path).size, sha256: hash.digest('hex'), entries: sorted.map((e) => e.name) }
}
