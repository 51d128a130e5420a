/**
 * How the CLI ends on an error. The user's mistake (UserError, or a file-system failure naming its
 * path): one line, exit 2. Anything else is a bug in dataperf (a BugError, e.g. a built-in
 * algorithm's invalid result, or an exception no code foresaw): a short message saying so, naming
 * the algorithm when known, exit 70 (EX_SOFTWARE); the stack trace only under DATAPERF_DEBUG=1.
 */
import { BugError, stackWithCause, UserError } from '../errors.js'
import { fsError } from '../io/fs-errors.js'

export const USER_ERROR_EXIT = 2
/** sysexits.h EX_SOFTWARE: an internal software error */
export const BUG_EXIT = 70

/** Prints `err` for the user and returns the exit code. */
export function reportError(
  err: unknown,
  write: (text: string) => void = (t) => process.stderr.write(t),
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (err instanceof UserError) {
    write(`dataperf: error: ${err.message}\n`)
    return USER_ERROR_EXIT
  }
  // a file-system failure no command foresaw (full disk, permissions): still one line naming the path
  const path = (err as NodeJS.ErrnoException | undefined)?.path
  const fs =
    typeof path === 'string' ? fsError(path, err, `${(err as NodeJS.ErrnoException).syscall ?? 'use'} it`) : undefined
  if (fs) {
    write(`dataperf: error: ${fs.message}\n`)
    return USER_ERROR_EXIT
  }
  const message = String((err as Error | undefined)?.message ?? err).split('\n')[0]
  const who =
    err instanceof BugError && err.algorithm !== undefined
      ? `in the built-in ${err.algorithm} algorithm`
      : 'in dataperf'
  const debug = env['DATAPERF_DEBUG'] === '1'
  write(
    `dataperf: internal error (a bug ${who}, not a mistake in your input): ${message}\n` +
      `dataperf: please report it with the command you ran${debug ? ' and this stack trace' : '; DATAPERF_DEBUG=1 prints the stack trace'}\n`,
  )
  if (debug) write(`${stackWithCause(err)}\n`)
  return BUG_EXIT
}
