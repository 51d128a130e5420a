/** `dataperf verify-result`: check offline that a result manifest was signed by a server's key and is unchanged. */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { UserError } from '../../errors.js'
import { pythonFloatRepr } from '../../io/python-json.js'
import { readTextFile } from '../../io/text-file.js'
import { manifestProblem, type SignedManifest, submissionSha256 } from '../../server/index.js'
import { safeText } from '../../shown.js'

export interface VerifyResultFlags {
  publicKey: string
  submission?: string[]
}

/** The key as given: PEM text, or a file holding it. */
function readPublicKey(value: string): string {
  return value.includes('-----BEGIN')
    ? value
    : readTextFile(value, 'a PEM public key (GET /api/v1/public-key on the server)')
}

export function verifyResult(manifestPath: string, opts: VerifyResultFlags): void {
  const text = readTextFile(manifestPath, 'a signed result manifest (JSON)')
  let signed: unknown
  try {
    signed = JSON.parse(text)
  } catch (err) {
    throw new UserError(`${manifestPath}: not valid JSON (${(err as Error).message})`)
  }
  const fail = (reason: string) => {
    process.stderr.write(safeText(`dataperf: verify-result: FAILED: ${manifestPath}: ${reason}`) + '\n')
    process.exitCode = 1
  }
  const problem = manifestProblem(signed, readPublicKey(opts.publicKey))
  if (problem) {
    fail(problem)
    return
  }
  const m = (signed as SignedManifest).manifest
  if (opts.submission) {
    const files = opts.submission.map((path) => ({ name: basename(path), bytes: readFileSync(path) }))
    const sha = submissionSha256(files)
    if (sha !== m.submission_sha256) {
      fail(`the submission's SHA-256 is ${m.submission_sha256}, but ${opts.submission.join(', ')} hash to ${sha}`)
      return
    }
  }
  process.stdout.write(
    `OK: score ${pythonFloatRepr(m.score)} on board ${m.board} for team ${m.team}, submission ${m.submission_id} ` +
      `(submitted ${m.submitted_at}, scored ${m.scored_at} by ${m.evaluator_version} on ${m.server})` +
      `${opts.submission ? '; the submission files match' : ''}\n`,
  )
}
