/**
 * Runs a plugin (code we do not control) in a worker thread and waits for its result. If it calls
 * process.exit(), or never settles, the thread ends without a result and we say so (non-zero exit,
 * nothing written) instead of exiting 0; with a timeout, a plugin still running then (an endless
 * loop included) is stopped. The worker side is answerParent() (worker-side.ts).
 */
import { Worker } from 'node:worker_threads'
import { BugError, UserError } from '../errors.js'
import type { Progress } from '../progress.js'

export type WorkerReply =
  | { kind: 'progress'; stage: string; done: number; total: number }
  | { kind: 'result'; result: unknown }
  /** a UserError's message */
  | { kind: 'error'; message: string }
  /** an unexpected exception in our own code (a bug in dataperf) */
  | { kind: 'bug'; message: string; stack?: string; algorithm?: string }

export interface RunOptions {
  /** stop the plugin after this many seconds (none by default) */
  timeoutSeconds?: number
  onProgress?: Progress
}

/**
 * The value the worker `script` answered with (unchecked), or a UserError saying why there is none.
 * `name` names the plugin in messages ("the selection algorithm", a file path).
 */
export function runInWorker(
  script: URL,
  workerData: unknown,
  name: string,
  options: RunOptions = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData, stdout: false, stderr: false })
    let settled = false
    const finish = (settle: () => void) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      settle()
      void worker.terminate() // it may have left timers or handles behind
    }
    const timer =
      options.timeoutSeconds === undefined
        ? undefined
        : setTimeout(
            () =>
              finish(() =>
                reject(
                  new UserError(
                    `${name} did not finish within --timeout ${options.timeoutSeconds} s; stopped it, nothing written`,
                  ),
                ),
              ),
            options.timeoutSeconds * 1000,
          )
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'progress') options.onProgress?.(reply.stage, reply.done, reply.total)
      else if (reply.kind === 'result') finish(() => resolve(reply.result))
      else if (reply.kind === 'error') finish(() => reject(new UserError(reply.message)))
      else
        finish(() =>
          reject(
            Object.assign(new BugError(reply.message, reply.algorithm), reply.stack ? { stack: reply.stack } : {}),
          ),
        )
    })
    // an exception thrown outside the plugin's promise (e.g. in a timer it set)
    worker.on('error', (err) =>
      finish(() => reject(new UserError(`${name} failed: ${err?.message ?? String(err)}; nothing written`))),
    )
    worker.on('exit', (code) =>
      finish(() =>
        reject(
          new UserError(
            code === 0
              ? `${name} ended without returning a training set (its select() never settled, or it called process.exit); nothing written`
              : `${name} exited with code ${code} without returning a training set; nothing written`,
          ),
        ),
      ),
    )
  })
}
