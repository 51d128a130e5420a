import { readFileSync } from 'node:fs'
import { UserError } from '../errors.js'

/** A whole text file; unreadable or empty files are user errors naming the path and what was expected. */
export function readTextFile(path: string, expected: string): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new UserError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  return nonEmptyText(text, path, expected)
}

/** `text` itself; blank, a user error naming `name` (a path, or an upload's name) and what was expected. */
export function nonEmptyText(text: string, name: string, expected: string): string {
  if (text.trim() === '') throw new UserError(`${name}: file is empty, expected ${expected}`)
  return text
}
