/**
 * Scoring-process entry (forked by worker/score.ts): scores submissions one after another with the
 * board's scoreSubmission (the CLI's eval functions) outside the worker's process, so the server
 * keeps answering and renewing leases meanwhile. The process lives as long as its job worker: the challenge is read once, and the
 * boards keep what every scoring reads (ID lists, eval sets) between jobs (boards/speech.ts).
 * In: { id, challengeDir, board, files } per job. Out: { id, progress }..., then { id, result } or { id, error }.
 */
import { UserError } from '../../errors.js'
import { scoreSubmission, type SubmittedFile } from '../boards/index.js'
import { findBoard, loadChallenge, type Challenge } from '../challenge/load.js'
import { noPlattHelper } from '../../ml/svm/platt-thread.js'

interface Job {
  id: number
  challengeDir: string
  board: string
  files: Array<{ name: string; bytes: Uint8Array }>
}

// Signals go to the job worker, which gives its job back and then ends this process; a Ctrl-C
// reaching the whole process group must not end the scoring first. Orphaned, it ends at once.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => {})
process.on('disconnect', () => process.exit(0))

// The server runs one job worker, so one scoring process, per core (bench:server: 2 workers / 1):
// a scoring takes one core, and the speech eval's Platt helper thread would only oversubscribe them.
noPlattHelper()

const send = (message: unknown): void => {
  if (process.connected) process.send!(message)
}

const challenges = new Map<string, Challenge>()

/**
 * Progress is told only for a job still running after this long, then at most this often (and its
 * end): a short job sends none, which saves both processes the messages (the job worker would
 * write none of them anyway: the result's transaction follows at once).
 */
const PROGRESS_MS = 200

async function run(job: Job): Promise<void> {
  let challenge = challenges.get(job.challengeDir)
  if (!challenge) challenges.set(job.challengeDir, (challenge = loadChallenge(job.challengeDir)))
  const board = findBoard(challenge, job.board)
  if (!board) throw new UserError(`board ${job.board} is no longer in ${job.challengeDir}/challenge.yaml`)
  const files: SubmittedFile[] = job.files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes) }))
  const started = Date.now()
  let told = 0
  const result = await scoreSubmission(board, files, (stage, done, total) => {
    const now = Date.now()
    if (now - started < PROGRESS_MS || (now - told < PROGRESS_MS && done < total)) return
    told = now
    send({ id: job.id, progress: { stage, done, total } })
  })
  send({ id: job.id, result })
}

process.on('message', (message) => {
  const job = message as Job
  run(job).catch((err: unknown) => {
    const e = err as Error
    // the team sees this message: paths inside the challenge folder are shown relative to it
    const message = String(e.message ?? err)
      .split(`${job.challengeDir}/`)
      .join('')
    send({ id: job.id, error: { message, user: err instanceof UserError } })
  })
})
