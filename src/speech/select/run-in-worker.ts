/**
 * Runs a speech selection in a worker thread (plugins/run-in-worker.ts) and waits for its result:
 * a class that calls process.exit(), never settles or runs past --timeout ends with a UserError,
 * not with exit 0.
 */
import { runInWorker, type RunOptions } from '../../plugins/run-in-worker.js'

export type WorkerRequest = {
  configFile: string
  config: Record<string, unknown>
  allowedPath: string
  embeddingsDir: string
  audioDir?: string
  trainSize: number
} & (
  | { builtIn: string; module?: undefined; className?: undefined }
  | { builtIn?: undefined; module: string; className: string }
)

export type { RunOptions }

/** The value the selection's select() returned (unchecked), or a UserError saying why there is none. */
export function runSelectionInWorker(request: WorkerRequest, options: RunOptions = {}): Promise<unknown> {
  return runInWorker(new URL('./plugin-worker.js', import.meta.url), request, 'the selection algorithm', options)
}
