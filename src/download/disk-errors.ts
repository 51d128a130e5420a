/** File-system failures while writing downloads and extracted files, as one-line user errors. */
import { UserError } from '../errors.js'
import { errnoCode } from '../io/fs-errors.js'

export { errnoCode }

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG'])
const NOT_WRITABLE: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
}
const NOT_A_FOLDER: Record<string, string> = {
  ENOTDIR: 'a parent is a file, not a folder',
  EEXIST: 'a file is in the way of a folder',
  ENOENT: 'no such folder',
}

/** A write that failed for want of space or permission: the download itself was fine. */
export class DiskError extends UserError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'DiskError'
  }
}

/**
 * A user error for a write to `path` that failed with `err`, or undefined when `err` is not a
 * disk problem. `after` finishes the sentence for a full disk (what was cleaned up, what to do).
 */
export function diskError(path: string, err: unknown, after = 'free some space and run again'): DiskError | undefined {
  const code = errnoCode(err)
  if (code === undefined) return undefined
  if (NO_SPACE.has(code)) return new DiskError(`${path}: no space left on the device (${code}); ${after}`, code)
  if (code in NOT_WRITABLE)
    return new DiskError(
      `${path}: cannot write (${code}: ${NOT_WRITABLE[code]}); choose a writable --output_path`,
      code,
    )
  if (code in NOT_A_FOLDER)
    return new DiskError(`${path}: cannot write (${code}: ${NOT_A_FOLDER[code]}); choose another --output_path`, code)
  return undefined
}

/** An error standing for a full disk (used to enforce a byte limit, e.g. a quota or a test's). */
export function noSpaceError(limit: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`byte limit of ${limit} reached`), { code: 'ENOSPC' })
}
