import { lstatSync } from 'node:fs'

/** True when something (even a dangling or looping symlink) is at `path`; existsSync follows links. */
export function lexists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}
