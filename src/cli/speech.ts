import { existsSync } from 'node:fs'
import { Command, Option } from 'commander'
import { UserError } from '../errors.js'
import { pythonFloatRepr } from '../io/python-json.js'
import { evaluateSpeech, type SpeechEvalResult } from '../speech/evaluate.js'
import { evaluateMany } from '../speech/evaluate-many.js'
import { defaultSpeechPaths, LEADERBOARD_SIZES, SPEECH_LANGUAGE_CODES } from '../speech/layout.js'
import { runSpeechSelection } from '../speech/select-job.js'
import { BUILT_IN_SELECTIONS } from '../speech/select/load-algorithm.js'
import { positiveInt, positiveSeconds } from './parse.js'
import { progressReporter } from './progress.js'

interface EvalFlags {
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

export function registerSpeechCommands(program: Command): void {
  const speech = program
    .command('speech')
    .description('speech track: keyword spotting over 1024-d embeddings (en, id, pt)')

  speech
    .command('eval')
    .description(
      'score {lang}_{size}_train.json as the official eval.py: soft-voting SVC + LR, macro F1 per seed and their mean',
    )
    .option('--language <lang>', `one of ${SPEECH_LANGUAGE_CODES.join(', ')}`)
    .option('--train_size <n>', 'size cap of the leaderboard (25 or 60)', positiveInt)
    .option('--eval_embeddings_dir <dir>', 'default workspace/data/dataperf_{lang}_data/eval_embeddings')
    .option('--train_embeddings_dir <dir>', 'default workspace/data/dataperf_{lang}_data/train_embeddings')
    .option('--allowed_training_set <yaml>', 'default workspace/data/dataperf_{lang}_data/allowed_training_set.yaml')
    .option('--eval_file <yaml>', 'default workspace/data/dataperf_{lang}_data/eval.yaml')
    .option('--train_file <json>', 'default workspace/{lang}_{size}_train.json')
    .option('--config_file <yaml>', 'default workspace/dataperf_speech_config.yaml')
    .option('--all', 'score all six leaderboards (en, id, pt x 25, 60) from the default paths')
    .option('--json', 'print one JSON document instead of the official text')
    .action(async (flags: EvalFlags) => {
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
          out(
            `${r.language} ${String(r.trainSize).padStart(2)}        ${'missing' in r ? 'missing' : r.score.toFixed(4)}`,
          )
      }
      if (flags.json) process.stdout.write(JSON.stringify(flags.all ? results : results[0], null, 2) + '\n')
      if (results.some((r) => 'missing' in r)) process.exitCode = 1
    })

  speech
    .command('select')
    .description(
      'write {outdir}/{lang}_{size}_train.json with the configured selection algorithm, as python -m selection.main',
    )
    .requiredOption('--language <lang>', `one of ${SPEECH_LANGUAGE_CODES.join(', ')}`)
    .option('--train_size <n>', 'the most clips to select', positiveInt, 60)
    .option('--allowed_training_set <yaml>', 'default workspace/data/dataperf_{lang}_data/allowed_training_set.yaml')
    .option('--train_embeddings_dir <dir>', 'default workspace/data/dataperf_{lang}_data/train_embeddings')
    .option('--audio_dir <dir>', 'MSWC 16 kHz wav files; each clip then carries its audio')
    .option(
      '--config_file <yaml>',
      'default workspace/dataperf_speech_config.yaml (selection_algorithm_module: a built-in or a .ts/.js path)',
    )
    .option('--outdir <dir>', 'output folder (must exist)', 'workspace')
    .addOption(
      new Option('--algorithm <name>', 'a built-in selection, overriding the config').choices(
        Object.keys(BUILT_IN_SELECTIONS),
      ),
    )
    .option(
      '--timeout <seconds>',
      'stop the selection if it has not finished after this many seconds (default: no limit)',
      positiveSeconds,
    )
    .action(
      async (flags: {
        language: string
        train_size: number
        allowed_training_set?: string
        train_embeddings_dir?: string
        audio_dir?: string
        config_file?: string
        outdir: string
        algorithm?: string
        timeout?: number
      }) => {
        const progress = progressReporter()
        let r
        try {
          r = await runSpeechSelection({
            language: flags.language,
            trainSize: flags.train_size,
            allowedTrainingSet: flags.allowed_training_set,
            trainEmbeddingsDir: flags.train_embeddings_dir,
            audioDir: flags.audio_dir,
            configFile: flags.config_file,
            outdir: flags.outdir,
            algorithm: flags.algorithm,
            timeoutSeconds: flags.timeout,
            onProgress: progress.onProgress,
          })
        } finally {
          progress.stop()
        }
        process.stdout.write(`Wrote ${r.outputPath} (${r.selected} clips)\n`)
      },
    )
}
