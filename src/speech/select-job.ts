/**
 * `dataperf speech select`, as the official `python -m selection.main`: load the allowed clips,
 * run the configured selection algorithm, refuse a result that `speech eval` would refuse (the one
 * validator, validate.ts: size cap, unknown words or IDs, duplicates, empty classes), write
 * {outdir}/{lang}_{size}_train.json (keys sorted, indent 4) atomically.
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { checkBuiltInResult, UserError } from '../errors.js'
import { writeFileAtomic } from '../io/atomic-write.js'
import { fsError } from '../io/fs-errors.js'
import { pythonJsonDumps } from '../io/python-json.js'
import { loadSpeechConfig } from './config.js'
import { defaultSpeechPaths, requireSpeechLanguage, SPEECH_LAYOUT } from './layout.js'
import { countSamples, readSampleIdsYaml, toSampleIds } from './sample-ids.js'
import { SPEECH_SELECTIONS, builtInName } from './select/load-algorithm.js'
import { runSelectionInWorker } from './select/run-in-worker.js'
import type { Progress } from '../progress.js'
import type { SpeechTrainingSet } from './select/types.js'
import { validateSpeechSelection } from './validate.js'

export interface SpeechSelectOptions {
  language: string
  trainSize: number
  allowedTrainingSet?: string
  trainEmbeddingsDir?: string
  audioDir?: string
  configFile?: string
  outdir?: string
  /** a built-in name (random, baseline) overriding the config's module and class */
  algorithm?: string
  /** stop a selection still running after this many seconds (none by default) */
  timeoutSeconds?: number
  /** stop a selection that uses more memory than this, in MB (plugins/run-in-worker.ts: 4096 by default) */
  maxMemoryMb?: number
  log?: (line: string) => void
  onProgress?: Progress
}

export interface SpeechSelectResult {
  outputPath: string
  selected: number
  trainingSet: SpeechTrainingSet
}

export function trainingSetJson(set: SpeechTrainingSet): string {
  const targets: Record<string, string[]> = {}
  for (const word of Object.keys(set.targets).sort()) targets[word] = set.targets[word]!
  return pythonJsonDumps({ nontargets: set.nontargets, targets })
}

export async function runSpeechSelection(options: SpeechSelectOptions): Promise<SpeechSelectResult> {
  const language = requireSpeechLanguage(options.language)
  const defaults = defaultSpeechPaths(language, options.trainSize)
  const allowedPath = options.allowedTrainingSet ?? defaults.allowedTrainingSet
  const embeddingsDir = options.trainEmbeddingsDir ?? defaults.trainEmbeddingsDir
  const configFile = options.configFile ?? defaults.configFile
  const outdir = options.outdir ?? defaults.outdir
  if (!existsSync(outdir))
    throw new UserError(`${outdir} does not exist, please specify --outdir as a command line argument`, {
      code: 'not_found',
      path: outdir,
      option: 'outdir',
    })
  if (!statSync(outdir).isDirectory())
    throw new UserError(
      (name) => `${outdir} is a file, not a folder; ${name('outdir')} names the folder the training set is written to`,
      { code: 'exists', path: outdir, option: 'outdir' },
    )
  const config = loadSpeechConfig(configFile)
  if (options.algorithm !== undefined && !SPEECH_SELECTIONS[options.algorithm]) {
    throw new UserError(
      `unknown --algorithm '${options.algorithm}'; built in: ${Object.keys(SPEECH_SELECTIONS).join(', ')}`,
    )
  }
  const allowed = readSampleIdsYaml(allowedPath)
  // in a worker thread: a class that exits, never settles or runs too long cannot end the CLI with 0
  const result = await runSelectionInWorker(
    {
      configFile,
      config: config.raw,
      allowedPath,
      embeddingsDir,
      audioDir: options.audioDir,
      trainSize: options.trainSize,
      ...(options.algorithm !== undefined
        ? { builtIn: options.algorithm }
        : { module: config.selectionAlgorithmModule, className: config.selectionAlgorithmClass }),
    },
    { timeoutSeconds: options.timeoutSeconds, maxMemoryMb: options.maxMemoryMb, onProgress: options.onProgress },
  )
  const source = options.algorithm
    ? `the ${options.algorithm} selection`
    : `the selection of ${config.selectionAlgorithmClass} (${config.selectionAlgorithmModule})`
  // what `speech eval` checks, so that a file we write is a file eval accepts
  const check = () => {
    const set = toSampleIds(result, source)
    validateSpeechSelection(set, allowed, options.trainSize, { selected: source, allowed: allowedPath })
    return set
  }
  const builtIn = options.algorithm ?? builtInName(config.selectionAlgorithmModule)
  let set
  try {
    // a built-in's invalid result is a bug in dataperf; a plugin's is the user's mistake
    set = builtIn !== undefined ? await checkBuiltInResult(builtIn, check) : check()
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${err.message}; nothing written`)
    throw err
  }
  const n = countSamples(set)
  const trainingSet: SpeechTrainingSet = { targets: Object.fromEntries(set.targets), nontargets: set.nontargets }
  const outputPath = join(outdir, SPEECH_LAYOUT.trainFile(language, options.trainSize))
  try {
    writeFileAtomic(outputPath, trainingSetJson(trainingSet))
  } catch (err) {
    throw fsError(outputPath, err, 'write the training set', 'nothing written; choose a writable --outdir') ?? err
  }
  return { outputPath, selected: n, trainingSet }
}
