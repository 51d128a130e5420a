/** `dataperf speech eval`: one leaderboard as the official eval.py, or all six at once (--all). */
import { existsSync } from 'node:fs'
import { UserError } from '../../errors.js'
import { pythonFloatRepr } from '../../io/python-json.js'
import { evaluateSpeech, type SpeechEvalResult } from '../../speech/evaluate.js'
import { evaluateMany } from '../../speech/evaluate-many.js'
import { defaultSpeechPaths, LEADERBOARD_SIZES, SPEECH_LANGUAGE_CODES } from '../../speech/layout.js'

export interface SpeechEvalFlags {
  language?: string
  train_size?: number
  eval_embeddings_dir?: string
  train_embeddings_dir?: string
  allowed_training_set?: string
  eval_file?: string
  train_file?: string
  config_file?: string
  json?: boolean
  all?: boolean
}

function printResult(r: SpeechEvalResult, out: (s: string) => void): void {
  r.seeds.forEach((seed, i) => out(`seed ${seed}: macro F1 ${pythonFloatRepr(r.scores[i]!)}`))
  out(`Score:  ${pythonFloatRepr(r.score)}`)
}

export async function speechEval(flags: SpeechEvalFlags): Promise<void> {
  const out = (s: string) => {
    if (!flags.json) process.stdout.write(s + '\n')
  }
  const jobs: Array<{ language: string; trainSize: number }> = []
  if (flags.all) {
    for (const language of SPEECH_LANGUAGE_CODES)
      for (const trainSize of LEADERBOARD_SIZES) jobs.push({ language, trainSize })
  } else {
    if (!flags.language || !flags.train_size)
      throw new UserError('--language and --train_size are required (or --all for the six leaderboards)')
    jobs.push({ language: flags.language, trainSize: flags.train_size })
  }
  const options = (job: { language: string; trainSize: number }) => ({
    language: job.language,
    trainSize: job.trainSize,
    evalEmbeddingsDir: flags.eval_embeddings_dir,
    trainEmbeddingsDir: flags.train_embeddings_dir,
    allowedTrainingSet: flags.allowed_training_set,
    evalFile: flags.eval_file,
    trainFile: flags.train_file,
    configFile: flags.config_file,
  })
  const results: Array<SpeechEvalResult | { language: string; trainSize: number; missing: string }> = []
  if (!flags.all) {
    const r = await evaluateSpeech({ ...options(jobs[0]!), log: out })
    printResult(r, out)
    results.push(r)
  } else {
    // the six leaderboards at once on worker threads; each one's lines are printed in order
    const present = jobs.filter((job) => existsSync(defaultSpeechPaths(job.language, job.trainSize).trainFile))
    const done = await evaluateMany(present.map(options))
    for (const job of jobs) {
      const k = present.indexOf(job)
      if (k < 0) {
        const trainFile = defaultSpeechPaths(job.language, job.trainSize).trainFile
        results.push({ ...job, missing: trainFile })
        out(`== ${job.language} ${job.trainSize}: no ${trainFile}; skipped`)
        continue
      }
      out(`== ${job.language} ${job.trainSize}`)
      const { result, error, lines } = done[k]!
      for (const line of lines) out(line)
      if (error) throw error
      printResult(result!, out)
      results.push(result!)
    }
  }
  if (flags.all) {
    out('\nleaderboard  score')
    for (const r of results)
      out(`${r.language} ${String(r.trainSize).padStart(2)}        ${'missing' in r ? 'missing' : r.score.toFixed(4)}`)
  }
  if (flags.json) process.stdout.write(JSON.stringify(flags.all ? results : results[0], null, 2) + '\n')
  if (results.some((r) => 'missing' in r)) process.exitCode = 1
}
