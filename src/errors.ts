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
  const head = items.slice(0, shown).join(', ')
  return items.length > shown ? `${head} (and ${items.length - shown} more; ${items.length} in all)` : head
}
