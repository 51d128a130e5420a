/** File-system failures (full disk, no permission, a file where a folder should be) as one-line user errors. */
import { UserError } from '../errors.js'

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

/** A file-system failure at a path the user chose; `code` is Node's (ENOSPC, EACCES, ...). */
export class FsError extends UserError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'FsError'
  }
}

/**
 * `${path}: cannot ${action} (${code}: reason); ${advice}` for a file-system error, or undefined
 * when `err` is something else (a bug, to be shown as one).
 */
export function fsError(path: string, err: unknown, action: string, advice?: string): FsError | undefined {
  if (err instanceof FsError) return err
  const code = errnoCode(err)
  const reason = code === undefined ? undefined : REASONS[code]
  if (code === undefined || reason === undefined) return undefined
  return new FsError(`${path}: cannot ${action} (${code}: ${reason})${advice ? `; ${advice}` : ''}`, code)
}
