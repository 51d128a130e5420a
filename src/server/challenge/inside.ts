/**
 * Paths named by a challenge folder's files must stay inside that folder: the server's test data is
 * read only by the evaluator, so no configured path may reach a file elsewhere on the machine.
 */
import { existsSync, realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { UserError } from '../../errors.js'

/** True when `path` is `root` or lies below it (both already absolute and normalised). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Checks a relative path written in a challenge file and resolves it against `base` (a folder
 * inside `root`). Refused: absolute paths, `..` and `.` segments, backslashes, percent-encoding,
 * control characters, and (for paths that exist) symlinks whose target leaves `root`.
 * `where` names the file and key for the one-line error.
 */
export function resolveInside(root: string, base: string, raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new UserError(`${where}: expected a relative path inside the challenge folder, found ${JSON.stringify(raw)}`)
  const refuse = (why: string): never => {
    throw new UserError(`${where}: path '${raw}' ${why}; paths must stay inside the challenge folder ${root}`)
  }
  if (isAbsolute(raw) || /^[A-Za-z]:/.test(raw)) refuse('is absolute')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(raw)) refuse('contains a control character')
  if (raw.includes('\\')) refuse('contains a backslash')
  if (raw.includes('%')) refuse('contains percent-encoding')
  if (raw.split('/').some((part) => part === '..')) refuse('contains a ".." segment')
  const path = resolve(base, raw)
  if (!isWithin(root, path)) refuse('resolves outside')
  return checkRealInside(root, path, where, raw)
}

/** `path` (absolute, lexically inside root) again after following symlinks, when it exists. */
export function checkRealInside(root: string, path: string, where: string, shown: string = path): string {
  if (!existsSync(path)) return path
  const realRoot = realpathSync(root)
  const real = realpathSync(path)
  if (!isWithin(realRoot, real)) {
    throw new UserError(
      `${where}: path '${shown}' is a symlink (or lies under one) leading outside the challenge folder ${root}; paths must stay inside it`,
    )
  }
  return path
}

/** The path relative to root with forward slashes, for manifests and messages. */
export function relativeInside(root: string, path: string): string {
  return relative(root, path).split(sep).join('/')
}
