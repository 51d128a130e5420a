/**
 * Several speech evaluations (e.g. the six leaderboards) on worker threads; results and each
 * job's log lines come back in job order, as if run one after another. Jobs sharing an eval set
 * (a language's 25 and 60) go to the same thread, which loads that set once.
 */
import { availableParallelism } from 'node:os'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { UserError } from '../errors.js'
import { evaluateSpeech, type SpeechEvalOptions, type SpeechEvalResult } from './evaluate.js'

export interface EvaluatedJob {
  result?: SpeechEvalResult
  error?: Error
  lines: string[]
}

/**
 * Default thread count: one per core from 4 cores up. On 2 logical cores (often one physical
 * core) the workers' start-up and contention cost more than they save (measured: 6 leaderboards
 * 2.3 s on one thread, 2.9 s on two).
 */
export function defaultEvalThreads(): number {
  const cores = availableParallelism()
  return cores >= 4 ? Math.min(cores, 8) : 1
}

export async function evaluateMany(
  jobs: Array<Omit<SpeechEvalOptions, 'log'>>,
  threads = defaultEvalThreads(),
): Promise<EvaluatedJob[]> {
  const groups = new Map<string, number[]>()
  jobs.forEach((job, i) => {
    const key = `${job.language}\0${job.evalFile ?? ''}\0${job.evalEmbeddingsDir ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), i])
  })
  const units = [...groups.values()]
  const n = Math.max(1, Math.min(threads, units.length))
  if (n === 1) {
    const out: EvaluatedJob[] = []
    const evalCache = new Map()
    for (const job of jobs) {
      const lines: string[] = []
      try {
        out.push({ result: await evaluateSpeech({ ...job, evalCache, log: (l) => lines.push(l) }), lines })
      } catch (err) {
        if (!(err instanceof UserError)) throw err
        out.push({ error: err, lines })
      }
    }
    return out
  }
  const here = fileURLToPath(import.meta.url)
  const workerFile = join(dirname(here), `evaluate-worker${extname(here)}`)
  const workers = Array.from({ length: n }, () => new Worker(workerFile))
  const out: EvaluatedJob[] = new Array(jobs.length)
  let next = 0
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolveDone, reject) => {
            let pending = 0
            const send = () => {
              if (next >= units.length) {
                resolveDone()
                return
              }
              const unit = units[next++]!
              pending = unit.length
              for (const index of unit) w.postMessage({ index, options: jobs[index] })
            }
            w.on('error', reject)
            w.on(
              'message',
              (m: {
                index: number
                result?: SpeechEvalResult
                error?: string
                userError?: boolean
                lines: string[]
              }) => {
                if (m.error !== undefined && !m.userError) {
                  reject(new Error(m.error))
                  return
                }
                out[m.index] =
                  m.error !== undefined
                    ? { error: new UserError(m.error), lines: m.lines }
                    : { result: m.result!, lines: m.lines }
                if (--pending === 0) send()
              },
            )
            send()
          }),
      ),
    )
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return out
}
