/**
 * Worker-thread entry: scores one submission with the board's scoreSubmission (the CLI's eval
 * functions) off the main thread, so the server keeps answering and renewing leases meanwhile.
 * In: { challengeDir, board, files }. Out: progress messages, then { result } or { error }.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { UserError } from '../../errors.js'
import { scoreSubmission, type SubmittedFile } from '../boards/index.js'
import { findBoard, loadChallenge } from '../challenge/load.js'

interface Input {
  challengeDir: string
  board: string
  files: Array<{ name: string; bytes: Uint8Array }>
}

async function run(input: Input): Promise<void> {
  const challenge = loadChallenge(input.challengeDir)
  const board = findBoard(challenge, input.board)
  if (!board) throw new UserError(`board ${input.board} is no longer in ${input.challengeDir}/challenge.yaml`)
  const files: SubmittedFile[] = input.files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes) }))
  const result = await scoreSubmission(board, files, (stage, done, total) =>
    parentPort!.postMessage({ progress: { stage, done, total } }),
  )
  parentPort!.postMessage({ result })
}

run(workerData as Input).catch((err: unknown) => {
  const e = err as Error
  // the team sees this message: paths inside the challenge folder are shown relative to it
  const message = String(e.message ?? err)
    .split(`${(workerData as Input).challengeDir}/`)
    .join('')
  parentPort!.postMessage({ error: { message, user: err instanceof UserError } })
})
