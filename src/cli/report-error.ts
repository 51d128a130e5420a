/**
 * How the CLI ends on an error. The user's mistake (UserError, or a file-system failure naming its
 * path): one line, exit 2. Anything else is a bug in dataperf (a BugError, e.g. a built-in
 * algorithm's invalid result, or an exception no code foresaw): a short message saying so, naming
 * the algorithm when known, exit 70 (EX_SOFTWARE); the stack trace only under DATAPERF_DEBUG=1.
 * Every line goes through safeText: nothing from a user's file reaches the terminal raw.
 * With DATAPERF_ERRORS=json a user's mistake is one JSON line instead: {"error": {code, message,
 * path, row, field, option}}, for scripts.
 */
import { BugError, stackWithCause, UserError, withOptionAsFlag } from '../errors.js'
import { fsError } from '../io/fs-errors.js'
import { safeText } from '../shown.js'

import { BUG_EXIT, USER_ERROR_EXIT } from './exit-codes.js'

export { BUG_EXIT, USER_ERROR_EXIT }

export interface ReportOptions {
  write?: (text: string) => void
  env?: NodeJS.ProcessEnv
  /** the flag of a library option (`poolSize` -> `--pool-size`) of the command that ran */
  flagOf?: (option: string) => string | undefined
}

/** The user's mistake in `err`, if it is one: a UserError, or a file-system failure naming its path. */
function userMistake(err: unknown): UserError | undefined {
  if (err instanceof UserError) return err
  // a file-system failure no command foresaw (full disk, permissions): still one line naming the path
  const path = (err as NodeJS.ErrnoException | undefined)?.path
  return typeof path === 'string'
    ? fsError(path, err, `${(err as NodeJS.ErrnoException).syscall ?? 'use'} it`)
    : undefined
}

/** Prints `err` for the user and returns the exit code. */
export function reportError(err: unknown, options: ReportOptions = {}): number {
  const write = options.write ?? ((t: string) => process.stderr.write(t))
  const env = options.env ?? process.env
  const mistake = userMistake(err)
  if (mistake) {
    const shownErr = options.flagOf ? withOptionAsFlag(mistake, options.flagOf) : mistake
    if (env['DATAPERF_ERRORS'] === 'json') write(safeText(`${JSON.stringify({ error: shownErr.toJSON() })}\n`))
    else write(safeText(`dataperf: error: ${shownErr.message}\n`))
    return USER_ERROR_EXIT
  }
  const message = String((err as Error | undefined)?.message ?? err).split('\n')[0]
  const who =
    err instanceof BugError && err.algorithm !== undefined
      ? `in the built-in ${err.algorithm} algorithm`
      : 'in dataperf'
  const debug = env['DATAPERF_DEBUG'] === '1'
  write(safeText(`dataperf: internal error (a bug ${who}, not a mistake in your input): ${message}\n`))
  write(
    `dataperf: please report it with the command you ran${debug ? ' and this stack trace' : '; DATAPERF_DEBUG=1 prints the stack trace'}\n`,
  )
  if (debug) write(`${stackWithCause(err)}\n`)
  return BUG_EXIT
}
