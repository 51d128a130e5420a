/**
 * Long generators are written as steps (a JS generator that yields between files and row groups),
 * run either at once (`runSteps`, for library callers and tests) or from an async loop
 * (`runStepsAsync`, for the CLI) that lets signals run between steps: Ctrl-C then removes the
 * half-written temp files (io/temp-files.ts) instead of waiting for the whole job.
 */
export type Steps<T> = Generator<void, T, void>

/** Runs every step now and returns the result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

/** Runs the steps, giving the event loop a turn between them. */
export async function runStepsAsync<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
