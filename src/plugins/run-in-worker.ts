/**
 * Runs a plugin (code we do not control) in a worker thread and waits for its result. If it calls
 * process.exit(), or never settles, the thread ends without a result and we say so (non-zero exit,
 * nothing written) instead of exiting 0; with a timeout, a plugin still running then (an endless
 * loop included) is stopped. Its memory is limited (`maxMemoryMb`): the thread's heap by V8's
 * resourceLimits, and what it allocates outside the heap (typed arrays) by a watch on the process's
 * resident memory; past the limit it is stopped and the message says so. The worker side is
 * answerParent() (worker-side.ts).
 */
import { Worker } from 'node:worker_threads'
import { BugError, reviveUserError, UserError, type SerializedUserError } from '../errors.js'
import { DEFAULT_MAX_MEMORY_MB } from './memory.js'
import type { Progress } from '../progress.js'

export type WorkerReply =
  | { kind: 'progress'; stage: string; done: number; total: number }
  | { kind: 'result'; result: unknown }
  /** a UserError, with its code and fields */
  | { kind: 'error'; error: SerializedUserError }
  /** an unexpected exception in our own code (a bug in dataperf) */
  | { kind: 'bug'; message: string; stack?: string; algorithm?: string }

export interface RunOptions {
  /** stop the plugin after this many seconds (none by default) */
  timeoutSeconds?: number
  /** stop the plugin when it uses more memory than this, in MB (DEFAULT_MAX_MEMORY_MB by default) */
  maxMemoryMb?: number
  onProgress?: Progress
}

/** How often the resident memory is checked while the plugin runs. */
const MEMORY_POLL_MS = 100

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
  const maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB
  const outOfMemory = () =>
    new UserError(
      (flag) =>
        `${name} used more than its memory limit (${flag('maxMemoryMb')} ${maxMemoryMb} MB); stopped it, nothing written (raise ${flag('maxMemoryMb')} if it needs more)`,
      { code: 'memory_limit', option: 'maxMemoryMb' },
    )
  return new Promise((resolve, reject) => {
    const rssAtStart = process.memoryUsage.rss()
    const worker = new Worker(script, {
      workerData,
      stdout: false,
      stderr: false,
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
    })
    let settled = false
    const finish = (settle: () => void) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      clearInterval(watch)
      settle()
      void worker.terminate() // it may have left timers or handles behind
    }
    // typed arrays live outside the heap that resourceLimits bounds: watch the process's memory too
    const watch = setInterval(() => {
      if (process.memoryUsage.rss() - rssAtStart > maxMemoryMb * 1024 * 1024) finish(() => reject(outOfMemory()))
    }, MEMORY_POLL_MS)
    watch.unref()
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
      else if (reply.kind === 'error') finish(() => reject(reviveUserError(reply.error)))
      else
        finish(() =>
          reject(
            Object.assign(new BugError(reply.message, reply.algorithm), reply.stack ? { stack: reply.stack } : {}),
          ),
        )
    })
    // an exception thrown outside the plugin's promise (e.g. in a timer it set)
    worker.on('error', (err) =>
      finish(() =>
        reject(
          (err as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? outOfMemory()
            : new UserError(`${name} failed: ${err?.message ?? String(err)}; nothing written`, { code: 'user_code' }),
        ),
      ),
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
