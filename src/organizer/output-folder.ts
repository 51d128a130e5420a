/**
 * Organizer commands write a whole folder or nothing: it is built under a temporary name beside
 * its final place and renamed when complete, so an error never leaves half an experiment behind.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { UserError } from '../errors.js'

/** Refuses an output folder that exists and holds something (or is not a folder). */
export function requireFreshOutput(out: string, flag = '--out'): void {
  if (!existsSync(out)) return
  if (!statSync(out).isDirectory())
    throw new UserError(`${out}: exists and is not a folder (${flag} must name a new or empty folder)`)
  if (readdirSync(out).length > 0)
    throw new UserError(
      `${out}: folder is not empty (${flag} must name a new or empty folder; remove it or choose another)`,
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
  const tmp = join(parent, `.${basename(resolve(out))}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
  mkdirSync(tmp)
  try {
    const result = await build(tmp)
    requireFreshOutput(out, flag) // someone may have written there meanwhile
    if (existsSync(out)) rmdirSync(out)
    renameSync(tmp, out)
    return result
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    throw err
  }
}
