/**
 * User-derived text on the terminal. An ID, a path or a cell from a user's file may hold control
 * characters (an escape sequence that clears the screen, a newline that splits an error line, a
 * NUL) or bidirectional overrides (text that reads differently than it is). Messages never show
 * them raw: `shown(value)` quotes a value JSON-style when it holds any, and `safeText(message)` is
 * the last guard applied to every line the CLI prints about an error or a check.
 * Written by hand: JSON.stringify leaves C1 controls, bidi overrides and U+2028 unescaped.
 */

/**
 * Characters never printed raw: C0 and C1 controls and DEL; bidirectional marks, embeddings,
 * overrides and isolates; zero-width and invisible format characters; line and paragraph
 * separators; the byte-order mark; lone surrogates.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

const SHORT: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function escapeChar(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/** True when `text` holds a character that must not reach a terminal raw. */
export function hasUnsafeChars(text: string): boolean {
  UNSAFE.lastIndex = 0
  const found = UNSAFE.test(text)
  UNSAFE.lastIndex = 0
  return found
}

/** `text` with every unsafe character written as its JSON escape (`\n`, `\u001b`, `\u202e`). */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, escapeChar)
}

/**
 * A user-derived value as a message shows it: itself when plain, else JSON-quoted with unsafe
 * characters escaped (also when empty or padded with spaces, which would be invisible). Values
 * longer than `max` characters are cut: "... (N characters)" (a 100 MB line must not be echoed whole).
 */
export function shown(value: string, max = 80): string {
  const cut = value.length <= max ? value : value.slice(0, max)
  const tail = value.length <= max ? '' : `... (${value.length} characters)`
  if (value !== '' && !hasUnsafeChars(cut) && cut.trim() === cut && !cut.startsWith('"')) return cut + tail
  const quoted = `"${escapeUnsafe(cut.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`
  return quoted + tail
}

/**
 * The last guard before the terminal: a whole line (an error, a warning, a finding) with unsafe
 * characters escaped, so that nothing a message interpolated can move the cursor or split the line.
 * A trailing newline, the line's own end, is kept.
 */
export function safeText(line: string): string {
  const end = line.endsWith('\n') ? '\n' : ''
  return escapeUnsafe(end ? line.slice(0, -1) : line) + end
}
