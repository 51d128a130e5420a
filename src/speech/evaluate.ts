/**
 * Offline evaluation of a speech training set, as the official eval.py: validate the selection,
 * load the selected training clips and the eval clips, train the soft-voting SVC + logistic
 * regression once per seed in eval_random_seeds and report macro F1 per seed and their mean.
 */
import { UserError } from '../errors.js'
import { numpySum } from '../ml/numpy-sum.js'
import { fitSoftVoting, softVotingScores } from '../ml/soft-voting.js'
import { loadSpeechConfig } from './config.js'
import { createDataset, type EmbeddingRowsCache, loadSpeechEmbeddings } from './embeddings.js'
import { defaultSpeechPaths, requireSpeechLanguage, trainSizeWarning } from './layout.js'
import { readSampleIdsJson, readSampleIdsYaml, type SampleIds } from './sample-ids.js'
import { validateSpeechSelection } from './validate.js'

export type EvalDataset = ReturnType<typeof createDataset>

export interface SpeechEvalOptions {
  language: string
  trainSize: number
  evalEmbeddingsDir?: string
  trainEmbeddingsDir?: string
  allowedTrainingSet?: string
  evalFile?: string
  trainFile?: string
  /** the selection already parsed (a server's upload): `trainFile` then only names it in messages */
  trainSelection?: SampleIds
  configFile?: string
  /** eval sets already loaded, by eval file and folder (evaluateMany shares one between the 25 and 60 jobs) */
  evalCache?: Map<string, EvalDataset>
  /** ID files (allowed set, eval list) already parsed, by path (a server scoring many files for one board) */
  idsCache?: Map<string, SampleIds>
  /** training pool rows already read (a server scoring many files for one board) */
  trainCache?: EmbeddingRowsCache
  /** progress lines as the official tool prints them */
  log?: (line: string) => void
}

export interface SpeechEvalResult {
  language: string
  trainSize: number
  trainFile: string
  seeds: number[]
  /** macro F1 per seed, in seed order */
  scores: number[]
  /** mean of `scores`: the official "Score" */
  score: number
  trainRows: number
  evalRows: number
  warning?: string
}

/** np.mean: numpy's summation order, then the division. */
function mean(values: number[]): number {
  return numpySum(Float64Array.from(values)) / values.length
}

export async function evaluateSpeech(options: SpeechEvalOptions): Promise<SpeechEvalResult> {
  const language = requireSpeechLanguage(options.language)
  const defaults = defaultSpeechPaths(language, options.trainSize)
  const paths = {
    evalEmbeddingsDir: options.evalEmbeddingsDir ?? defaults.evalEmbeddingsDir,
    trainEmbeddingsDir: options.trainEmbeddingsDir ?? defaults.trainEmbeddingsDir,
    allowedTrainingSet: options.allowedTrainingSet ?? defaults.allowedTrainingSet,
    evalFile: options.evalFile ?? defaults.evalFile,
    trainFile: options.trainFile ?? defaults.trainFile,
    configFile: options.configFile ?? defaults.configFile,
  }
  const log = options.log ?? (() => {})
  const warning = trainSizeWarning(options.trainSize)
  if (warning) log(warning)
  const config = loadSpeechConfig(paths.configFile)
  const readIds = (path: string): SampleIds => {
    const hit = options.idsCache?.get(path)
    if (hit) return hit
    const ids = readSampleIdsYaml(path)
    options.idsCache?.set(path, ids)
    return ids
  }
  const allowed = readIds(paths.allowedTrainingSet)
  const selected = options.trainSelection ?? readSampleIdsJson(paths.trainFile)
  log('validating selected IDs')
  validateSpeechSelection(selected, allowed, options.trainSize, {
    selected: paths.trainFile,
    allowed: paths.allowedTrainingSet,
  })
  log('loading selected training data')
  const train = createDataset(
    await loadSpeechEmbeddings(selected, paths.trainEmbeddingsDir, {
      idsFile: paths.trainFile,
      ...(options.trainCache ? { cache: options.trainCache } : {}),
    }),
  )
  log('loading eval data')
  const evalIds: SampleIds = readIds(paths.evalFile)
  const words = (ids: SampleIds) => [...ids.targets.keys()].sort().join(', ')
  if (words(evalIds) !== words(allowed)) {
    throw new UserError(
      `${paths.evalFile}: target words (${words(evalIds)}) differ from ${paths.allowedTrainingSet} (${words(allowed)}); class numbers would not line up`,
    )
  }
  const key = `${paths.evalFile}\0${paths.evalEmbeddingsDir}`
  let evalSet = options.evalCache?.get(key)
  if (!evalSet) {
    evalSet = createDataset(await loadSpeechEmbeddings(evalIds, paths.evalEmbeddingsDir, { idsFile: paths.evalFile }))
    options.evalCache?.set(key, evalSet)
  }
  const d = train.X.length / train.rows
  const model = fitSoftVoting(train.X, train.rows, d, train.y)
  const scores = softVotingScores(model, evalSet.X, evalSet.y, evalSet.rows, config.evalRandomSeeds)
  return {
    language,
    trainSize: options.trainSize,
    trainFile: paths.trainFile,
    seeds: config.evalRandomSeeds,
    scores,
    score: mean(scores),
    trainRows: train.rows,
    evalRows: evalSet.rows,
    ...(warning ? { warning } : {}),
  }
}
