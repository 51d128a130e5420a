import { shown } from './shown.js'

/**
 * What kind of mistake a UserError is, for programs that read errors (`DATAPERF_ERRORS=json`, the
 * server's API) and for tests; the message stays the sentence a person reads.
 */
export type ErrorCode =
  /** a mistake with no more specific code */
  | 'invalid_input'
  /** a number (flag or config value) that is not one, or out of its range */
  | 'bad_number'
  /** a file or folder that does not exist */
  | 'not_found'
  /** a file-system failure (full disk, permission, a file where a folder should be): FsError */
  | 'fs'
  /** a file whose content is not what was expected (format, columns, values, IDs) */
  | 'bad_file'
  /** an output that would replace or mix with something already there */
  | 'exists'
  /** flags or options that cannot be used as given (missing, conflicting, unknown value) */
  | 'bad_option'
  /** the user's own selection module failed (threw, timed out, exited) */
  | 'user_code'
  /** the user's own selection module ran out of its memory limit */
  | 'memory_limit'
  /** a bundle that would publish hidden eval or test data */
  | 'hidden_data'
  /** a download that failed (HTTP status, checksum, network) */
  | 'download'
  /** a leaderboard server refused a request (ServerRefusal carries the server's own code) */
  | 'refused'

/** Where a mistake is: the fields a program (or the web form) uses instead of parsing the message. */
export interface ErrorFields {
  /** the file or folder at fault */
  path?: string
  /** the row at fault (as the message counts it: the file's line or the data row it names) */
  row?: number
  /** the field at fault: a column, a YAML key (dotted), a form field */
  field?: string
  /**
   * the library option at fault, as the options object names it (`poolSize`); the CLI shows it
   * as its flag (`--pool-size`), see `withOptionAsFlag`
   */
  option?: string
}

/**
 * A message that names a library option through `name(option)`: the library shows the option's
 * own name (`poolSize`), the CLI its flag (`--pool-size`), see `withOptionAsFlag`.
 */
export type MessageNamingOptions = (name: (option: string) => string) => string

/**
 * A mistake in the user's input or invocation (bad file, bad flag, bad data).
 * The CLI prints its message as one line and exits 2, without a stack trace.
 * Messages name the file and the row or ID at fault, and what was expected; the fields say the same
 * for programs. User-derived values in a message go through `shown()`.
 */
export class UserError extends Error {
  readonly code: ErrorCode
  readonly path?: string
  readonly row?: number
  readonly field?: string
  readonly option?: string
  /** renders the message with options named by `name` (private: errors compare by their fields) */
  readonly #render: MessageNamingOptions

  constructor(
    message: string | MessageNamingOptions,
    details: ErrorFields & { code?: ErrorCode; cause?: unknown } = {},
  ) {
    const render = typeof message === 'function' ? message : () => message
    super(
      render((o) => o),
      details.cause === undefined ? undefined : { cause: details.cause },
    )
    this.name = 'UserError'
    this.#render = render
    this.code = details.code ?? 'invalid_input'
    if (details.path !== undefined) this.path = details.path
    if (details.row !== undefined) this.row = details.row
    if (details.field !== undefined) this.field = details.field
    if (details.option !== undefined) this.option = details.option
  }

  /** The message with options named by `name` (the CLI: by their flags). */
  render(name: (option: string) => string): string {
    return this.#render(name)
  }

  /** The code and fields, for JSON (worker threads, `DATAPERF_ERRORS=json`). */
  toJSON(): SerializedUserError {
    return { message: this.message, code: this.code, ...this.fields() }
  }

  fields(): ErrorFields {
    const f: ErrorFields = {}
    if (this.path !== undefined) f.path = this.path
    if (this.row !== undefined) f.row = this.row
    if (this.field !== undefined) f.field = this.field
    if (this.option !== undefined) f.option = this.option
    return f
  }
}

export interface SerializedUserError extends ErrorFields {
  message: string
  code: ErrorCode
}

/** A UserError sent across a worker thread (structured clone keeps no class), made whole again. */
export function reviveUserError(data: SerializedUserError): UserError {
  const { message, code, ...fields } = data
  return new UserError(message, { code, ...fields })
}

/**
 * The error as the CLI shows it: options named by their flags (`flagOf('poolSize')` is
 * `--pool-size`), in the message and in the `option` field.
 */
export function withOptionAsFlag(err: UserError, flagOf: (option: string) => string | undefined): UserError {
  const name = (o: string) => flagOf(o) ?? o
  const message = err.render(name)
  const option = err.option === undefined ? undefined : name(err.option)
  if (message === err.message && option === err.option) return err
  const copy = new UserError(message, { code: err.code, ...err.fields(), option, cause: err.cause })
  copy.stack = err.stack
  return copy
}

/**
 * A fault in dataperf itself, not in the user's input: a built-in algorithm returned an invalid
 * result, or an exception no code foresaw. The CLI says it is a bug (naming the algorithm when
 * known), asks for a report and exits 70 (EX_SOFTWARE); the stack is printed under DATAPERF_DEBUG=1.
 */
export class BugError extends Error {
  /** the built-in algorithm at fault, when known */
  readonly algorithm?: string

  constructor(message: string, algorithm?: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BugError'
    this.algorithm = algorithm
  }
}

/**
 * Checks a built-in algorithm's output with a validator made for user files: a UserError there is
 * our bug (the algorithm broke its contract), so it becomes a BugError naming the algorithm.
 */
export async function checkBuiltInResult<T>(algorithm: string, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (err) {
    if (err instanceof UserError)
      throw new BugError(`the built-in ${algorithm} algorithm returned an invalid result: ${err.message}`, algorithm, {
        cause: err,
      })
    throw err
  }
}

/** An error's stack and its cause's, as text: what DATAPERF_DEBUG=1 prints (a worker thread sends it across as a string). */
export function stackWithCause(err: unknown): string {
  const cause = (err as Error | undefined)?.cause
  return `${(err as Error | undefined)?.stack ?? String(err)}${cause !== undefined ? `\ncaused by: ${(cause as Error | undefined)?.stack ?? String(cause)}` : ''}`
}

/** Formats a list of offending items as "a, b, c (and 7 more; 10 in all)", each value `shown()`. */
export function sampleList(items: readonly string[], count = 5): string {
  const head = items
    .slice(0, count)
    .map((item) => shown(item))
    .join(', ')
  return items.length > count ? `${head} (and ${items.length - count} more; ${items.length} in all)` : head
}

/** A value from the user's file, for a one-line message: `shown()` (escaped, cut to `max` characters). */
export const clip = shown
