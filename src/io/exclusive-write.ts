/**
 * Files that never replace one already there, and are never seen half-written: each is written to a
 * temp file beside it, then hard-linked under its name (a link fails when the name is taken, so two
 * runs in the same second cannot overwrite each other), then the temp file is removed.
 */
import { linkSync, mkdirSync, openSync, closeSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { removeTemp, tempPathFor } from './temp-files.js'
import { errnoCode } from './fs-errors.js'

/** Creates `path` with `data`, failing with EEXIST when it exists. */
function createExclusive(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path)
  try {
    writeFileSync(tmp, data)
    try {
      linkSync(tmp, path)
    } catch (err) {
      const code = errnoCode(err)
      // file systems without hard links: create it exclusively and write it in place
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err
      writeInPlace(path, data)
    }
  } finally {
    removeTemp(tmp)
  }
}

function writeInPlace(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx')
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
  } catch (err) {
    closeSync(fd)
    rmSync(path, { force: true })
    throw err
  }
  closeSync(fd)
}

export interface ExclusiveFile {
  name: string
  data: string | Uint8Array
}

/**
 * Writes a group of files into `dir` under the first set of names that are all free:
 * `attempt(0)` gives the preferred names, `attempt(1)`, `attempt(2)`, ... the alternatives.
 * Files are created in the order given, so when the last one exists the earlier ones do too;
 * on a failure the files of this group already created are removed (all of the group or none).
 * Returns the files as written.
 */
export function writeGroupExclusive(
  dir: string,
  attempt: (n: number) => ExclusiveFile[],
  maxAttempts = 10_000,
): ExclusiveFile[] {
  mkdirSync(dir, { recursive: true })
  for (let n = 0; n < maxAttempts; n++) {
    const files = attempt(n)
    const created: string[] = []
    try {
      for (const f of files) {
        createExclusive(join(dir, f.name), f.data)
        created.push(join(dir, f.name))
      }
      return files
    } catch (err) {
      for (const path of created) rmSync(path, { force: true })
      if (errnoCode(err) !== 'EEXIST') throw err
    }
  }
  throw new Error(`${dir}: no free file name after ${maxAttempts} attempts`)
}
