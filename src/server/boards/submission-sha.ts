/** The hash a submission is known by (duplicates, signed manifests, `verify-result --submission`). */
import { createHash } from 'node:crypto'
import type { SubmittedFile } from './staging.js'

/**
 * The submission's SHA-256: of the file's bytes when it is one file (what `sha256sum FILE`
 * prints); for several files, of the `sha256sum` lines ("<hex>  <name>\n") sorted by name.
 */
export function submissionSha256(files: readonly SubmittedFile[]): string {
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
  if (files.length === 1) return sha(files[0]!.bytes)
  const lines = files
    .map((f) => `${sha(f.bytes)}  ${f.name}\n`)
    .sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : a.slice(66) > b.slice(66) ? 1 : 0))
  return sha(lines.join(''))
}
