/**
 * The vision evaluator reads its training sets by path, as the CLI does: a submission's bytes are
 * written to a private temporary folder under their submitted names, the evaluator runs on those
 * paths, and the folder is removed; user errors name the submitted file, not the temporary path.
 * (A speech board parses its one small JSON file from the bytes: see speech.ts.)
 */
import { mkdtempSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UserError } from '../../errors.js'

export interface SubmittedFile {
  name: string
  bytes: Buffer
}

/**
 * Runs `fn` with the files staged in a temporary folder; `paths` maps each name to its path.
 * User errors name the submitted file; server folders in `hidePrefixes` are cut from messages too,
 * so a participant sees e.g. `allowed_training_set.yaml`, not where the server keeps it.
 */
export async function withStagedFiles<T>(
  files: readonly SubmittedFile[],
  hidePrefixes: readonly string[],
  fn: (paths: Map<string, string>) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dataperf-submission-'))
  const paths = new Map<string, string>()
  try {
    for (const f of files) {
      const path = join(dir, f.name) // names were checked against the board's expected names
      writeFileSync(path, f.bytes, { mode: 0o600 })
      paths.set(f.name, path)
    }
    return await withPathsHidden([dir, ...hidePrefixes], () => fn(paths))
  } finally {
    removeStaged(dir, paths)
  }
}

/**
 * Runs `fn`; a user error it throws loses the server folders in `prefixes` from its message, so a
 * participant sees e.g. `allowed_training_set.yaml`, not where the server keeps it.
 */
export async function withPathsHidden<T>(prefixes: readonly string[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof UserError) {
      let message = err.message
      for (const prefix of prefixes) message = message.split(prefix + '/').join('')
      throw new UserError(message)
    }
    throw err
  }
}

/**
 * The folder and the files written there, by name: a recursive rmSync would first list the folder
 * and stat each entry (system calls, each job of a job worker). Anything else found there (nothing
 * writes there) is left to that recursive removal.
 */
function removeStaged(dir: string, paths: Map<string, string>): void {
  try {
    for (const path of paths.values()) unlinkSync(path)
    rmdirSync(dir)
  } catch {
    rmSync(dir, { recursive: true, force: true })
  }
}
