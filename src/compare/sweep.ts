/**
 * `dataperf compare --sweep FILE`: the comparison repeated over a grid of generator settings, so
 * that a selection method is judged on many kinds of data rather than on the one the generator's
 * defaults describe. The sweep file (YAML):
 *
 *   seeds: [1, 2, 3]
 *   vision:
 *     pool_size: 5000            # optional; also budget (rows per training set) and
 *                                # concept_per_seed (true: one concept per seed, in turn)
 *     algorithms: [random, fpscv, consensus]
 *     ours: consensus            # the method the summary judges
 *     settings:                  # name -> generator knobs (src/synth/vision.ts VisionKnobs)
 *       default: {}
 *       rare: {concept_share: 0.002, min_positives: 30}
 *   speech:
 *     languages: [en]            # optional; also scale
 *     algorithms: [random, cleanlab, kernel-herding]
 *     ours: kernel-herding
 *     settings:
 *       default: {}
 *       noisy: {mislabeled_rate: [0.1, 0.1]}
 */
import { UserError } from '../errors.js'
import { readYamlFile } from '../io/yaml.js'
import { checkNumber, checkOptionalNumber, POSITIVE_INT, SEED_RULE } from '../numbers.js'
import { SPEECH_SCALE_RULE, VISION_POOL_SIZE_RULE } from '../synth/defaults.js'
import { LEADERBOARD_SIZES, SPEECH_LANGUAGE_CODES, type SpeechLanguageCode } from '../speech/layout.js'
import { resolveSpeechKnobs, type SpeechKnobs } from '../synth/speech.js'
import { resolveVisionKnobs, type VisionKnobs } from '../synth/vision.js'
import { compareSpeech } from './speech.js'
import { mean, std, type ComparisonResult } from './types.js'
import { compareVision } from './vision.js'
import type { Progress } from '../progress.js'

export interface SweepTrackSpec<K> {
  algorithms: string[]
  ours?: string
  settings: Array<{ name: string; knobs: K }>
}

export interface SweepSpec {
  path: string
  seeds: number[]
  vision?: SweepTrackSpec<VisionKnobs> & { poolSize?: number; budget?: number; conceptPerSeed?: boolean }
  speech?: SweepTrackSpec<SpeechKnobs> & { languages?: SpeechLanguageCode[]; scale?: number }
}

type Doc = Record<string, unknown>

function isMapping(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function checkKeys(where: string, doc: Doc, allowed: string[]): void {
  for (const k of Object.keys(doc))
    if (!allowed.includes(k)) throw new UserError(`${where}: unknown key '${k}' (expected ${allowed.join(', ')})`)
}

function trackSpec<K>(
  path: string,
  track: string,
  doc: unknown,
  extra: string[],
  check: (knobs: K, where: string) => void,
): SweepTrackSpec<K> & Doc {
  const where = `${path}: ${track}`
  if (!isMapping(doc)) throw new UserError(`${where}: expected a mapping with algorithms and settings`)
  checkKeys(where, doc, ['algorithms', 'ours', 'settings', ...extra])
  const algorithms = doc.algorithms
  if (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((a) => typeof a !== 'string')) {
    throw new UserError(`${where}.algorithms: expected a list of algorithm names`)
  }
  const ours = doc.ours
  if (ours !== undefined && (typeof ours !== 'string' || !algorithms.includes(ours))) {
    throw new UserError(
      `${where}.ours: expected one of the listed algorithms (${algorithms.join(', ')}), got ${JSON.stringify(ours)}`,
    )
  }
  if (!isMapping(doc.settings) || Object.keys(doc.settings).length === 0) {
    throw new UserError(`${where}.settings: expected a mapping of setting names to generator knobs`)
  }
  const settings = Object.entries(doc.settings).map(([name, knobs]) => {
    const k = (knobs ?? {}) as K
    if (!isMapping(k)) throw new UserError(`${where}.settings.${name}: expected a mapping of knobs (or {})`)
    check(k, `${where}.settings.${name}`)
    return { name, knobs: k }
  })
  return { ...doc, algorithms: algorithms as string[], ours: ours as string | undefined, settings }
}

/** Reads and checks a sweep file; every mistake is a one-line error naming the file and the key. */
export function readSweepFile(path: string): SweepSpec {
  const doc = readYamlFile(path)
  if (!isMapping(doc)) throw new UserError(`${path}: expected a mapping with seeds and a vision and/or speech section`)
  checkKeys(path, doc, ['seeds', 'vision', 'speech'])
  const given = doc.seeds ?? [1, 2, 3]
  if (!Array.isArray(given) || given.length === 0)
    throw new UserError(`${path}: seeds: expected a list of seeds (integers from 0 to ${SEED_RULE.max})`, {
      code: 'bad_file',
      path,
      field: 'seeds',
    })
  const seeds = given.map((s, i) => checkNumber(s, SEED_RULE, { path, field: `seeds[${i}]` }))
  const twice = seeds.filter((s, i) => seeds.indexOf(s) !== i)
  if (twice.length > 0)
    throw new UserError(`${path}: seeds: seed ${twice[0]} is listed twice (each seed counts once in the means)`, {
      code: 'bad_file',
      path,
      field: 'seeds',
    })
  const spec: SweepSpec = { path, seeds }
  if (doc.vision !== undefined) {
    const v = trackSpec<VisionKnobs>(
      path,
      'vision',
      doc.vision,
      ['pool_size', 'budget', 'concept_per_seed'],
      (k, w) => {
        resolveVisionKnobs(k, w)
      },
    )
    if (v.concept_per_seed !== undefined && typeof v.concept_per_seed !== 'boolean')
      throw new UserError(
        `${path}: vision.concept_per_seed: expected true or false, got ${JSON.stringify(v.concept_per_seed)}`,
      )
    spec.vision = {
      algorithms: v.algorithms,
      ours: v.ours,
      settings: v.settings,
      poolSize: checkOptionalNumber(v.pool_size, VISION_POOL_SIZE_RULE, { path, field: 'vision.pool_size' }),
      budget: checkOptionalNumber(v.budget, POSITIVE_INT, { path, field: 'vision.budget' }),
      conceptPerSeed: v.concept_per_seed as boolean | undefined,
    }
  }
  if (doc.speech !== undefined) {
    const s = trackSpec<SpeechKnobs>(path, 'speech', doc.speech, ['languages', 'scale'], (k, w) => {
      resolveSpeechKnobs(k, w)
    })
    const languages = s.languages
    if (
      languages !== undefined &&
      (!Array.isArray(languages) ||
        languages.length === 0 ||
        languages.some((l) => !(SPEECH_LANGUAGE_CODES as readonly unknown[]).includes(l)))
    ) {
      throw new UserError(
        `${path}: speech.languages: expected a list of ${SPEECH_LANGUAGE_CODES.join(', ')}, got ${JSON.stringify(languages)}`,
      )
    }
    const scale = checkOptionalNumber(s.scale, SPEECH_SCALE_RULE, { path, field: 'speech.scale' })
    spec.speech = {
      algorithms: s.algorithms,
      ours: s.ours,
      settings: s.settings,
      languages: languages as SpeechLanguageCode[] | undefined,
      scale,
    }
  }
  if (!spec.vision && !spec.speech) throw new UserError(`${path}: no vision or speech section`)
  return spec
}

/** One row of a sweep: a setting (speech: a setting at one cap) and every algorithm's overall score per seed. */
export interface SweepRow {
  setting: string
  /** speech: the leaderboard cap the row is about */
  cap?: number
  /** per algorithm, the score per seed (the mean over the row's tasks) */
  perSeed: Record<string, number[]>
}

export interface SweepTrackResult {
  track: 'vision' | 'speech'
  metric: string
  algorithms: string[]
  ours?: string
  seeds: number[]
  settings: Array<{ name: string; knobs: object; result: ComparisonResult }>
  rows: SweepRow[]
  seconds: Record<string, number>
}

export interface SweepOptions {
  workDir: string
  /** run only this track's section */
  track?: 'vision' | 'speech'
  /** overrides the file's seeds */
  seeds?: number[]
  onProgress?: Progress
  /** called after each setting with what is done so far (a long sweep leaves a partial report) */
  onSetting?: (tracks: SweepTrackResult[]) => void
}

function rowsOf(result: ComparisonResult, setting: string, cap?: number): SweepRow {
  const tasks = result.tasks
    .map((t, i) => [t, i] as const)
    .filter(([t]) => cap === undefined || t.endsWith(` ${cap}`))
    .map(([, i]) => i)
  const perSeed = Object.fromEntries(
    result.algorithms.map((a) => [a, result.seeds.map((_, s) => mean(tasks.map((t) => result.scores[a]![t]![s]!)))]),
  )
  return { setting, cap, perSeed }
}

export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepTrackResult[]> {
  const seeds = options.seeds ?? spec.seeds
  const out: SweepTrackResult[] = []
  const runs =
    (options.track !== 'speech' ? (spec.vision?.settings.length ?? 0) : 0) +
    (options.track !== 'vision' ? (spec.speech?.settings.length ?? 0) : 0)
  let started = 0
  const progress = (name: string) => (what: string, done: number, total: number) =>
    options.onProgress?.(`setting ${started}/${runs} ${name}: ${what}`, done, total)
  const v = spec.vision
  if (v && options.track !== 'speech') {
    const track: SweepTrackResult = {
      track: 'vision',
      metric: 'F1',
      algorithms: v.algorithms,
      ours: v.ours,
      seeds,
      settings: [],
      rows: [],
      seconds: Object.fromEntries(v.algorithms.map((a) => [a, 0])),
    }
    for (const { name, knobs } of v.settings) {
      started++
      const result = await compareVision({
        algorithms: v.algorithms,
        seeds,
        workDir: options.workDir,
        poolSize: v.poolSize,
        budget: v.budget,
        conceptPerSeed: v.conceptPerSeed,
        knobs,
        projection: false,
        onProgress: progress(name),
      })
      track.settings.push({ name, knobs, result })
      track.rows.push(rowsOf(result, name))
      for (const a of v.algorithms) track.seconds[a]! += result.seconds[a]!
      options.onSetting?.([...out, track])
    }
    out.push(track)
  }
  const s = spec.speech
  if (s && options.track !== 'vision') {
    const track: SweepTrackResult = {
      track: 'speech',
      metric: 'macro F1',
      algorithms: s.algorithms,
      ours: s.ours,
      seeds,
      settings: [],
      rows: [],
      seconds: Object.fromEntries(s.algorithms.map((a) => [a, 0])),
    }
    for (const { name, knobs } of s.settings) {
      started++
      const result = await compareSpeech({
        algorithms: s.algorithms,
        seeds,
        workDir: options.workDir,
        languages: s.languages,
        scale: s.scale,
        knobs,
        projection: false,
        onProgress: progress(name),
      })
      track.settings.push({ name, knobs, result })
      for (const cap of LEADERBOARD_SIZES) track.rows.push(rowsOf(result, name, cap))
      for (const a of s.algorithms) track.seconds[a]! += result.seconds[a]!
      options.onSetting?.([...out, track])
    }
    out.push(track)
  }
  return out
}

/** How ours fares against the best other algorithm in one row. */
export interface RowVerdict {
  best: string
  bestOther: string
  /** ours' mean minus the best other's mean */
  gap: number
  /** 'win': ours has the best mean; 'within': below it by at most the best other's std; 'loss': further below */
  verdict: 'win' | 'within' | 'loss'
}

export function judgeRow(row: SweepRow, algorithms: string[], ours: string): RowVerdict {
  const m = (a: string) => mean(row.perSeed[a]!)
  const best = [...algorithms].sort((a, b) => m(b) - m(a))[0]!
  const bestOther = algorithms.filter((a) => a !== ours).sort((a, b) => m(b) - m(a))[0]!
  const gap = m(ours) - m(bestOther)
  return { best, bestOther, gap, verdict: gap >= 0 ? 'win' : -gap <= std(row.perSeed[bestOther]!) ? 'within' : 'loss' }
}

/** Mean over the rows of each algorithm's row mean (every setting counts once). */
export function meanOverRows(track: SweepTrackResult, algorithm: string, rows = track.rows): number {
  return mean(rows.map((r) => mean(r.perSeed[algorithm]!)))
}
