/** Worker thread for evaluateMany: evaluates the jobs it is sent, one at a time. */
import { parentPort } from 'node:worker_threads'
import { UserError } from '../errors.js'
import { evaluateSpeech, type SpeechEvalOptions } from './evaluate.js'

const evalCache = new Map()
// jobs arrive in order and run one at a time (a queue), so a language's jobs share its eval set
let queue = Promise.resolve()
parentPort!.on('message', (job: { index: number; options: Omit<SpeechEvalOptions, 'log'> }) => {
  queue = queue.then(() => run(job))
})

async function run(job: { index: number; options: Omit<SpeechEvalOptions, 'log'> }): Promise<void> {
  const lines: string[] = []
  try {
    const result = await evaluateSpeech({ ...job.options, evalCache, log: (line) => lines.push(line) })
    parentPort!.postMessage({ index: job.index, result, lines })
  } catch (err) {
    parentPort!.postMessage({
      index: job.index,
      error: (err as Error).message,
      userError: err instanceof UserError,
      lines,
    })
  }
}
