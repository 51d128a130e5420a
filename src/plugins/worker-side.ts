/**
 * The worker-thread side of runInWorker(): runs `work` and posts its result, a UserError's message,
 * or (any other exception, a bug in dataperf) the error with its stack.
 */
import { parentPort } from 'node:worker_threads'
import { BugError, stackWithCause, UserError } from '../errors.js'
import type { WorkerReply } from './run-in-worker.js'
import type { Progress } from '../progress.js'

/**
 * A failure inside the user's own code, as the one line both tracks print: the module named, what
 * failed, and the first line of its message (its stack is the user's, not ours). A UserError
 * passes as it is: it already is such a line.
 */
export function userCodeFailed(err: unknown, module: string, what: string, after = '; nothing written'): UserError {
  if (err instanceof UserError) return err
  const message = String((err as Error)?.message ?? err).split('\n')[0]
  return new UserError(`${module}: ${what}: ${message}${after}`, { code: 'user_code' })
}

/** `notTransferable`: the message when the result cannot be posted (functions, class instances with handles...). */
export function answerParent(
  work: (onProgress: Progress) => Promise<unknown>,
  notTransferable: (reason: string) => string,
): void {
  const post = (reply: WorkerReply) => parentPort!.postMessage(reply)
  work((stage, done, total) => post({ kind: 'progress', stage, done, total })).then(
    (result) => {
      try {
        post({ kind: 'result', result })
      } catch (err) {
        post({ kind: 'error', error: new UserError(notTransferable((err as Error).message)).toJSON() })
      }
    },
    (err: unknown) => {
      if (err instanceof UserError) post({ kind: 'error', error: err.toJSON() })
      else {
        // the stack (and its cause's) crosses the thread as text, for DATAPERF_DEBUG=1
        post({
          kind: 'bug',
          message: (err as Error)?.message ?? String(err),
          stack: stackWithCause(err),
          algorithm: err instanceof BugError ? err.algorithm : undefined,
        })
      }
    },
  )
}
