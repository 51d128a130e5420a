/**
 * Speech comparison: for each generator seed, a generated benchmark (all three languages); every
 * algorithm selects for the six leaderboards (en/id/pt x 25/60) and is scored with the official
 * evaluation (soft-voting SVC + LR, macro F1 averaged over the 10 eval seeds).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { checkBuiltInResult, UserError } from '../errors.js'
import { fitSoftVoting, softVotingScores } from '../ml/soft-voting.js'
import { OFFICIAL_EVAL_SEEDS } from '../speech/config.js'
import { createDataset, loadSpeechEmbeddings, type SpeechEmbeddings } from '../speech/embeddings.js'
import {
  LEADERBOARD_SIZES,
  SPEECH_LANGUAGE_CODES,
  SPEECH_LAYOUT,
  speechDataPaths,
  type SpeechLanguageCode,
} from '../speech/layout.js'
import { readSampleIdsYaml, toSampleIds } from '../speech/sample-ids.js'
import { validateSpeechSelection } from '../speech/validate.js'
import { SPEECH_SELECTIONS } from '../speech/select/load-algorithm.js'
import { labelledPool } from '../speech/select/pool-features.js'
import { generateSpeechBenchmarkAsync, type SpeechKnobs } from '../synth/speech.js'
import { createHash } from 'node:crypto'
import { classPlane } from '../ml/principal-axes.js'
import type { ComparisonResult } from './types.js'
import type { Progress } from '../progress.js'

export interface CompareOptions {
  algorithms: string[]
  seeds: number[]
  /** where generated benchmarks are kept (reused when present) */
  workDir: string
  scale?: number
  /** speech: languages to run (default all three) */
  languages?: readonly SpeechLanguageCode[]
  /** generator knobs (a sweep setting); benchmarks with knobs are kept in folders named by their hash */
  knobs?: SpeechKnobs
  /** false: skip the pool picture (sweeps) */
  projection?: boolean
  onProgress?: Progress
}

/** A short, stable tag of a knob setting for folder names ('' for none). */
export function knobTag(knobs: object | undefined): string {
  if (!knobs || Object.keys(knobs).length === 0) return ''
  const canonical = JSON.stringify(
    Object.keys(knobs)
      .sort()
      .map((k) => [k, (knobs as Record<string, unknown>)[k]]),
  )
  return `-knobs-${createHash('sha256').update(canonical).digest('hex').slice(0, 10)}`
}

export async function compareSpeech(options: CompareOptions): Promise<ComparisonResult> {
  for (const a of options.algorithms) {
    if (!SPEECH_SELECTIONS[a])
      throw new UserError(`unknown speech algorithm '${a}'; built in: ${Object.keys(SPEECH_SELECTIONS).join(', ')}`)
  }
  const languages = options.languages ?? SPEECH_LANGUAGE_CODES
  const tasks = languages.flatMap((l) => LEADERBOARD_SIZES.map((s) => `${l} ${s}`))
  const result: ComparisonResult = {
    track: 'speech',
    metric: 'macro F1',
    tasks,
    algorithms: options.algorithms,
    seeds: options.seeds,
    scores: Object.fromEntries(options.algorithms.map((a) => [a, tasks.map(() => [] as number[])])),
    seconds: Object.fromEntries(options.algorithms.map((a) => [a, 0])),
  }
  const total = options.seeds.length * tasks.length * options.algorithms.length
  let done = 0
  for (const seed of options.seeds) {
    const root = join(
      options.workDir,
      `speech-seed-${seed}${options.scale && options.scale !== 1 ? `-scale-${options.scale}` : ''}${knobTag(options.knobs)}`,
    )
    const missing = languages.filter(
      (l) => !existsSync(join(root, 'data', SPEECH_LAYOUT.languageDir(l), SPEECH_LAYOUT.evalSet)),
    )
    if (missing.length > 0) {
      mkdirSync(root, { recursive: true })
      options.onProgress?.(`generating seed ${seed}`, done, total)
      await generateSpeechBenchmarkAsync({
        out: join(root, 'data'),
        seed,
        scale: options.scale,
        languages: missing,
        knobs: options.knobs,
      })
    }
    for (const language of languages) {
      const paths = speechDataPaths(join(root, 'data', SPEECH_LAYOUT.languageDir(language)))
      const allowed = readSampleIdsYaml(paths.allowedTrainingSet)
      const pool = await loadSpeechEmbeddings(allowed, paths.trainEmbeddingsDir, { idsFile: paths.allowedTrainingSet })
      const evalSet = createDataset(
        await loadSpeechEmbeddings(readSampleIdsYaml(paths.evalFile), paths.evalEmbeddingsDir, {
          idsFile: paths.evalFile,
        }),
      )
      for (const size of LEADERBOARD_SIZES) {
        const task = tasks.indexOf(`${language} ${size}`)
        for (const algorithm of options.algorithms) {
          options.onProgress?.(`seed ${seed}, ${language} ${size}, ${algorithm}`, done, total)
          const t = performance.now()
          const set = await new SPEECH_SELECTIONS[algorithm]!.cls({
            allowedEmbeddings: pool,
            trainSize: size,
            config: { selection_random_seed: seed },
            audioFlag: false,
          }).select()
          result.seconds[algorithm]! += (performance.now() - t) / 1000
          // scored only when `speech eval` would accept it (a built-in's bug is not scored silently)
          const what = `the ${algorithm} selection (seed ${seed}, ${language} ${size})`
          const ids = await checkBuiltInResult(algorithm, () => {
            const ids = toSampleIds(set, what)
            validateSpeechSelection(ids, allowed, size, { selected: what, allowed: paths.allowedTrainingSet })
            return ids
          })
          const train = createDataset(await loadSpeechEmbeddings(ids, paths.trainEmbeddingsDir, { idsFile: what }))
          const scores = softVotingScores(
            fitSoftVoting(train.X, train.rows, pool.dim, train.y),
            evalSet.X,
            evalSet.y,
            evalSet.rows,
            OFFICIAL_EVAL_SEEDS,
          )
          result.scores[algorithm]![task]!.push(scores.reduce((a, b) => a + b, 0) / scores.length)
          if (
            options.projection !== false &&
            seed === options.seeds[0] &&
            language === languages[0] &&
            size === LEADERBOARD_SIZES[0]
          )
            recordProjection(result, pool, algorithm, set)
          done++
        }
      }
    }
  }
  options.onProgress?.('done', total, total)
  return result
}

function recordProjection(
  result: ComparisonResult,
  embeddings: SpeechEmbeddings,
  algorithm: string,
  set: { targets: Record<string, string[]>; nontargets: string[] },
): void {
  const pool = labelledPool(embeddings)
  if (!result.projection) {
    result.projection = {
      task: `${result.tasks[0]} (first seed)`,
      points: classPlane(pool.X, pool.rows, pool.dim, pool.labels),
      classes: pool.labels,
      axes: ['the direction that separates the words most', 'the next such direction'],
      classNames: ['nontarget', ...pool.words],
      selected: {},
    }
  }
  const rowOf = new Map(pool.ids.map((id, r) => [id, r]))
  const chosen = [...Object.values(set.targets).flat(), ...set.nontargets]
  result.projection.selected[algorithm] = Int32Array.from(chosen, (id) => rowOf.get(id)!)
}
