import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { UserError } from '../errors.js'
import { fsError } from './fs-errors.js'
import { keepTemp, removeTemp, tempPathFor } from './temp-files.js'

/**
 * Checks, before any work, that a file can be written at `path`: it is not a folder, and its
 * folder exists (or can be made) and is writable. `option` names the library option (the CLI shows
 * its flag). A long run then does not fail at its very end.
 */
export function requireWritableFile(path: string, option?: string): void {
  if (existsSync(path) && statSync(path).isDirectory())
    throw new UserError(
      (name) =>
        `${path} is a folder; ${option ? `${name(option)} names` : 'expected'} the file to write${option ? '' : ' there'}`,
      { code: 'exists', path, ...(option ? { option } : {}) },
    )
  const dir = dirname(path)
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
  } catch (err) {
    throw fsError(dir, err, 'write there') ?? err
  }
}

/**
 * Writes a whole file so that readers see either the old file or the complete new one,
 * never a partial one: write to a temp file beside it, then rename. A file-system error names
 * `path` (never the temp file; callers add what they were writing) and leaves no temp file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  if (existsSync(path) && statSync(path).isDirectory())
    throw new UserError(`${path} is a folder; expected the file to write there`, { code: 'exists', path })
  try {
    mkdirSync(dirname(path), { recursive: true })
  } catch (err) {
    throw fsError(dirname(path), err, 'create the folder') ?? err
  }
  const tmp = tempPathFor(path)
  try {
    writeFileSync(tmp, data)
    renameSync(tmp, path)
    keepTemp(tmp)
  } catch (err) {
    removeTemp(tmp)
    // a failure names the file the user asked for, never our temp file
    if (typeof (err as NodeJS.ErrnoException | undefined)?.path === 'string') (err as NodeJS.ErrnoException).path = path
    throw err
  }
}
