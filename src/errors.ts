/**
 * A mistake in the user's input or invocation (bad file, bad flag, bad data).
 * The CLI prints its message as one line and exits non-zero, without a stack trace.
 * Messages name the file and the row or ID at fault, and what was expected.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UserError'
  }
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

/** Formats a list of offending items as "a, b, c (and 7 more; 10 in all)". */
export function sampleList(items: readonly string[], shown = 5): string {
  const head = items
    .slice(0, shown)
    .map((item) => clip(item))
    .join(', ')
  return items.length > shown ? `${head} (and ${items.length - shown} more; ${items.length} in all)` : head
}

/**
 * A value from the user's file, cut for a one-line message: up to `max` characters, then
 * "... (N characters)". A 100 MB line must not be echoed whole.
 */
export function clip(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max)}... (${value.length} characters)`
}
