/** The download's advice for a file-system failure while writing: free space, or another --output_path. */
import { fsError, NO_SPACE_CODES, NOT_WRITABLE_CODES, type FsError } from '../io/fs-errors.js'

/**
 * An FsError for a write to `path` that failed with `err`, or undefined when `err` is not a
 * file-system failure. `onFull` finishes the sentence for a full disk (what was cleaned up, what to do).
 */
export function writeError(path: string, err: unknown, onFull = 'free some space and run again'): FsError | undefined {
  return fsError(path, err, 'write', (code) =>
    NO_SPACE_CODES.has(code)
      ? onFull
      : NOT_WRITABLE_CODES.has(code)
        ? 'choose a writable --output_path'
        : 'choose another --output_path',
  )
}
