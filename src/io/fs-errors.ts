/**
 * File-system failures (full disk, no permission, a file where a folder should be) as one-line
 * user errors: the one FsError type, used by every command (downloads, results, training sets).
 */
import { UserError, type ErrorFields } from '../errors.js'

/** The error code of a Node file-system error, if `err` is one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/** What each code means, in the words a user reads. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the device',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a parent is a file, not a folder',
  EEXIST: 'a file is in the way',
  ENOENT: 'no such file or folder',
  EISDIR: 'a folder, not a file',
  ELOOP: 'too many symbolic links (a loop?)',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
}

/** Codes that mean the device is full: the advice is to free space. */
export const NO_SPACE_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EFBIG'])
/** Codes that mean the place cannot be written: the advice is to choose another. */
export const NOT_WRITABLE_CODES: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EROFS'])

/** A file-system failure at a path the user chose; `errno` is Node's code (ENOSPC, EACCES, ...). */
export class FsError extends UserError {
  constructor(
    message: string,
    readonly errno: string,
    fields: ErrorFields = {},
  ) {
    super(message, { code: 'fs', ...fields })
    this.name = 'FsError'
  }
}

/**
 * `${path}: cannot ${action} (${errno}: reason); ${advice}` for a file-system error, or undefined
 * when `err` is something else (a bug, to be shown as one). `advice` may depend on the code.
 */
export function fsError(
  path: string,
  err: unknown,
  action: string,
  advice?: string | ((errno: string) => string | undefined),
): FsError | undefined {
  if (err instanceof FsError) return err
  const code = errnoCode(err)
  const reason = code === undefined ? undefined : REASONS[code]
  if (code === undefined || reason === undefined) return undefined
  const say = typeof advice === 'function' ? advice(code) : advice
  return new FsError(`${path}: cannot ${action} (${code}: ${reason})${say ? `; ${say}` : ''}`, code, { path })
}

/** An error standing for a full disk (used to enforce a byte limit, e.g. a quota or a test's). */
export function noSpaceError(limit: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`byte limit of ${limit} reached`), { code: 'ENOSPC' })
}
