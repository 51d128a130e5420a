/**
 * Per board: check a submission at upload time and score it in a worker, with the same library
 * functions `dataperf speech eval` and `dataperf vision eval` use. Errors are the CLI's one-line
 * UserErrors, naming the submitted file.
 */
import type { Board } from '../challenge/load.js'
import { scoreSpeechSubmission, validateSpeechSubmission, type SpeechDetails } from './speech.js'
import type { SubmittedFile } from './staging.js'
import { submissionSha256 } from './submission-sha.js'
import type { Progress } from '../../progress.js'
import { scoreVisionSubmission, validateVisionSubmission, type VisionDetails } from './vision.js'

export type { SubmittedFile } from './staging.js'
export type { SpeechDetails } from './speech.js'
export type { VisionDetails } from './vision.js'

export interface BoardScore {
  score: number
  details: SpeechDetails | VisionDetails
}

export interface ValidSubmission {
  board: string
  /** the files, in the board's order (vision: eval_tasks order) */
  files: SubmittedFile[]
  /** see submissionSha256 */
  sha256: string
  /** speech: clips selected; vision: rows per task */
  summary: { samples: number } | { rows: Record<string, number> }
}

export async function validateSubmission(board: Board, files: readonly SubmittedFile[]): Promise<ValidSubmission> {
  if (board.track === 'speech') {
    const summary = await validateSpeechSubmission(board, files)
    return { board: board.id, files: [...files], sha256: submissionSha256(files), summary }
  }
  const summary = await validateVisionSubmission(board, files)
  const order = board.tasks.map((t) => `${t}.csv`)
  const sorted = [...files].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
  return { board: board.id, files: sorted, sha256: submissionSha256(files), summary }
}

export async function scoreSubmission(
  board: Board,
  files: readonly SubmittedFile[],
  onProgress?: Progress,
): Promise<BoardScore> {
  return board.track === 'speech'
    ? scoreSpeechSubmission(board, files, onProgress)
    : scoreVisionSubmission(board, files, onProgress)
}
