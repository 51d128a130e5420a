/**
 * A scoring process that lives as long as its job worker (worker/score-process.ts): each job is a
 * message, so its start-up, the challenge and the data every scoring of a board reads are paid
 * once, not per job. `abort()` (the lease was lost, the worker stops) ends the process; the next
 * job starts a new one.
 *
 * A child process, not a worker thread, because the V8 flags below are per process and cannot be
 * given to a worker thread (its execArgv refuses V8 flags) nor set at runtime
 * (v8.setFlagsFromString('--single-threaded-gc') crashes once concurrent marking has run).
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
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

interface Pending {
  id: number
  resolve(score: BoardScore): void
  reject(err: ScoringError): void
  onProgress: Progress
}

type ThreadMessage = { id: number } & (
  | { progress: { stage: string; done: number; total: number } }
  | { result: BoardScore }
  | { error: { message: string; user: boolean } }
)

/**
 * Scoring allocates many short-lived arrays: with V8's default GC, helper threads beside the
 * scoring thread used 25-40 ms of CPU per job (~1.3 cores per job), which kept two workers on two
 * cores from doubling one. One GC thread and a larger young generation scavenge less and in place.
 */
const SCORING_NODE_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=64']

export class ScoringProcess {
  private worker: ChildProcess | undefined
  private pending: Pending | undefined
  private nextId = 1

  /** `onStart`: told each time a thread starts (the first job, or the first after an abort) */
  constructor(private readonly onStart: () => void = () => {}) {}

  /** Scores one submission; one at a time per thread. */
  score(challengeDir: string, board: string, files: SubmittedFile[], onProgress: Progress): ScoringRun {
    if (this.pending) throw new Error('ScoringProcess: a job is already running in this process')
    const worker = (this.worker ??= this.spawn())
    const id = this.nextId++
    const result = new Promise<BoardScore>((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress }
    })
    worker.send({
      id,
      challengeDir,
      board,
      files: files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) })),
    })
    return { result, abort: () => this.close() }
  }

  private spawn(): ChildProcess {
    // not process.execArgv: under `node --test` it would make the child a test runner
    const worker = fork(fileURLToPath(new URL('./score-process.js', import.meta.url)), [], {
      execArgv: SCORING_NODE_FLAGS,
      serialization: 'advanced', // Uint8Array files travel as bytes
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.onStart()
    const fail = (message: string) => {
      if (this.worker === worker) this.worker = undefined
      const p = this.pending
      this.pending = undefined
      p?.reject(new ScoringError(message, false))
    }
    worker.on('message', (m: ThreadMessage) => {
      const p = this.pending
      if (!p || m.id !== p.id) return
      if ('progress' in m) p.onProgress(m.progress.stage, m.progress.done, m.progress.total)
      else {
        this.pending = undefined
        if ('result' in m) p.resolve(m.result)
        else p.reject(new ScoringError(m.error.message, m.error.user))
      }
    })
    worker.on('error', (err) => fail(err.message))
    worker.on('exit', () => fail('scoring stopped before it finished'))
    return worker
  }

  /** Ends the process (and the job on it, if any). */
  close(): void {
    const w = this.worker
    this.worker = undefined
    if (w && w.exitCode === null && w.signalCode === null) w.kill('SIGKILL') // it ignores SIGTERM/SIGINT
  }
}
