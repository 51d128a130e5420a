/**
 * Runs a speech selection in a worker thread and waits for its result. The user's class is code we
 * do not control: if it calls process.exit(), or its select() never settles, the thread ends
 * without a result and we say so (non-zero exit, nothing written) instead of exiting 0; with a
 * timeout, a select() still running then (an endless loop included) is stopped.
 */
import { Worker } from 'node:worker_threads'
import { UserError } from '../../errors.js'
import type { ProgressCallback } from './types.js'

export type WorkerRequest = {
  configFile: string
  config: Record<string, unknown>
  allowedPath: string
  embeddingsDir: string
  audioDir?: string
  trainSize: number
} & ({ builtIn: string; module?: undefined; className?: undefined } | { builtIn?: undefined; module: string; className: string })

export type WorkerReply =
  | { kind: 'progress'; stage: string; done: number; total: number }
  | { kind: 'result'; result: unknown }
  | { kind: 'error'; message: string }
  | { kind: 'bug'; message: string }

export interface RunOptions {
  /** stop the selection after this many seconds (none by default) */
  timeoutSeconds?: number
  onProgress?: ProgressCallback
}

/** The value the selection's select() returned (unchecked), or a UserError saying why there is none. */
export function runSelectionInWorker(request: WorkerRequest, options: RunOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./plugin-worker.js', import.meta.url), { workerData: request, stdout: false, stderr: false })
    let settled = false
    const finish = (settle: () => void) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      settle()
      void worker.terminate() // it may have left timers or handles behind
    }
    const timer = options.timeoutSeconds === undefined ? undefined : setTimeout(() => finish(() => reject(new UserError(
      `the selection algorithm did not finish within --timeout ${options.timeoutSeconds} s; stopped it, nothing written`))), options.timeoutSeconds * 1000)
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'progress') options.onProgress?.(reply.stage, reply.done, reply.total)
      else if (reply.kind === 'result') finish(() => resolve(reply.result))
      else if (reply.kind === 'error') finish(() => reject(new UserError(reply.message)))
      else finish(() => reject(new Error(reply.message)))
    })
    // an exception thrown outside select()'s promise (e.g. in a timer the class set)
    worker.on('error', (err) => finish(() => reject(new UserError(`the selection algorithm failed: ${err?.message ?? String(err)}; nothing written`))))
    worker.on('exit', (code) => finish(() => reject(new UserError(code === 0
      ? 'the selection algorithm ended without returning a training set (its select() never settled, or it called process.exit); nothing written'
      : `the selection algorithm exited with code ${code} without returning a training set; nothing written`))))
  })
}
