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

/** Formats a list of offending items as "a, b, c (and 7 more; 10 in all)". */
export function sampleList(items: readonly string[], shown = 5): string {
  const head = items.slice(0, shown).map((item) => clip(item)).join(', ')
  return items.length > shown ? `${head} (and ${items.length - shown} more; ${items.length} in all)` : head
}

/**
 * A value from the user's file, cut for a one-line message: up to `max` characters, then
 * "... (N characters)". A 100 MB line must not be echoed whole.
 */
export function clip(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max)}... (${value.length} characters)`
}
