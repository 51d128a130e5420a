/**
 * Organizer commands write a whole folder or nothing: it is built under a temporary name beside
 * its final place and renamed when complete, so an error never leaves half an experiment behind.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { UserError } from '../errors.js'
import { keepTemp, removeTemp, tempPathFor } from '../io/temp-files.js'

/** Refuses an output folder that exists and holds something (or is not a folder). */
export function requireFreshOutput(out: string, flag = '--out'): void {
  if (!existsSync(out)) return
  if (!statSync(out).isDirectory())
    throw new UserError(`${out}: exists and is not a folder (${flag} must name a new or empty folder)`, {
      code: 'exists',
      path: out,
    })
  if (readdirSync(out).length > 0)
    throw new UserError(
      `${out}: folder is not empty (${flag} must name a new or empty folder; remove it or choose another)`,
      { code: 'exists', path: out },
    )
}

/** Runs `build(tmp)` on a fresh temporary folder beside `out`, then puts it at `out`. */
export async function buildFolder<T>(out: string, build: (tmp: string) => Promise<T>, flag = '--out'): Promise<T> {
  requireFreshOutput(out, flag)
  const parent = dirname(resolve(out))
  try {
    mkdirSync(parent, { recursive: true })
  } catch (err) {
    throw new UserError(
      `${parent}: cannot create the output's parent folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    )
  }
  const tmp = tempPathFor(resolve(out))
  try {
    mkdirSync(tmp)
    const result = await build(tmp)
    requireFreshOutput(out, flag) // someone may have written there meanwhile
    if (existsSync(out)) rmdirSync(out)
    renameSync(tmp, out)
    keepTemp(tmp)
    return result
  } catch (err) {
    removeTemp(tmp)
    throw err
  }
}

/** Checks that an input file exists (and is a file) before any work; `option` names the flag. */
export function requireInputFile(path: string, option: string, what: string): void {
  if (!existsSync(path))
    throw new UserError((name) => `${path}: file not found (${name(option)}: ${what})`, {
      code: 'not_found',
      path,
      option,
    })
  if (statSync(path).isDirectory())
    throw new UserError((name) => `${path}: a folder, not a file (${name(option)}: ${what})`, {
      code: 'bad_option',
      path,
      option,
    })
}

/** Checks that an input folder exists before any work; `option` names the flag. */
export function requireInputFolder(path: string, option: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory())
    throw new UserError((name) => `${path}: folder not found (${name(option)}: ${what})`, {
      code: 'not_found',
      path,
      option,
    })
}
