/** Runs score-thread.ts for one submission; `abort()` stops it (the lease was lost). */
import { Worker } from 'node:worker_threads'
import type { BoardScore, SubmittedFile } from '../boards/index.js'
import type { Progress } from '../../progress.js'

export class ScoringError extends Error {
  constructor(
    message: string,
    readonly user: boolean,
  ) {
    super(message)
  }
}

export interface ScoringRun {
  result: Promise<BoardScore>
  abort(): void
}

export function scoreInThread(
  challengeDir: string,
  board: string,
  files: SubmittedFile[],
  onProgress: Progress,
): ScoringRun {
  const worker = new Worker(new URL('./score-thread.js', import.meta.url), {
    workerData: { challengeDir, board, files: files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) })) },
  })
  const result = new Promise<BoardScore>((resolve, reject) => {
    let settled = false
    worker.on(
      'message',
      (m: {
        progress?: { stage: string; done: number; total: number }
        result?: BoardScore
        error?: { message: string; user: boolean }
      }) => {
        if (m.progress) onProgress(m.progress.stage, m.progress.done, m.progress.total)
        else if (m.result) {
          settled = true
          resolve(m.result)
          void worker.terminate()
        } else if (m.error) {
          settled = true
          reject(new ScoringError(m.error.message, m.error.user))
          void worker.terminate()
        }
      },
    )
    worker.on('error', (err) => {
      settled = true
      reject(new ScoringError(err.message, false))
    })
    worker.on('exit', () => {
      if (!settled) reject(new ScoringError('scoring stopped before it finished', false))
    })
  })
  return { result, abort: () => void worker.terminate() }
}
