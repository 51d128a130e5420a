/**
 * Vision comparison: for each generator seed, a generated benchmark; every algorithm selects a
 * training set per concept (budget 1,000) and the official evaluation scores F1 on its test set.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../errors.js'
import { ParquetFile } from '../io/parquet/reader.js'
import { removeTemp, tempPathFor } from '../io/temp-files.js'
import { evaluateVision } from '../vision/evaluate.js'
import { EMBEDDING_COLUMN, ID_COLUMN, MAX_TRAINING_ROWS, VISION_LAYOUT } from '../vision/layout.js'
import { runVisionSelection, VISION_SELECTORS, writeTrainingCsv } from '../vision/select/index.js'
import { isVisionPluginPath } from '../vision/select/plugin.js'
import { readExampleSet } from '../vision/metadata.js'
import { loadVisionSetup, type VisionSetup } from '../vision/setup.js'
import { generateVisionBenchmarkAsync, type VisionKnobs } from '../synth/vision.js'
import { principalPlane } from '../ml/principal-axes.js'
import { knobTag, type CompareOptions } from './speech.js'
import type { ComparisonResult } from './types.js'
import type { VisionSelection } from '../vision/select/types.js'

export interface CompareVisionOptions extends Omit<CompareOptions, 'knobs' | 'languages' | 'scale'> {
  poolSize?: number
  /** rows per training set (default the challenge's 1,000) */
  budget?: number
  knobs?: VisionKnobs
  /** run one concept per seed, taking them in turn (seed index 0: the first task, ...), for quick sweeps */
  conceptPerSeed?: boolean
}

export async function compareVision(options: CompareVisionOptions): Promise<ComparisonResult> {
  for (const a of options.algorithms) {
    if (!VISION_SELECTORS[a] && !isVisionPluginPath(a))
      throw new UserError(`unknown vision algorithm '${a}'; built in: ${Object.keys(VISION_SELECTORS).join(', ')}`)
  }
  let result: ComparisonResult | undefined
  // the training sets scored: a temp folder in the work dir (removed at the end, on exit and on
  // Ctrl-C; a killed run's by the next run)
  mkdirSync(options.workDir, { recursive: true })
  const scratch = tempPathFor(join(options.workDir, 'training-sets'))
  mkdirSync(scratch)
  try {
    let done = 0
    for (const seed of options.seeds) {
      const root = join(
        options.workDir,
        `vision-seed-${seed}${options.poolSize ? `-pool-${options.poolSize}` : ''}${knobTag(options.knobs)}`,
      )
      if (!existsSync(join(root, VISION_LAYOUT.setup))) {
        mkdirSync(root, { recursive: true })
        options.onProgress?.(`generating seed ${seed}`, done, 1)
        await generateVisionBenchmarkAsync({ out: root, seed, poolSize: options.poolSize, knobs: options.knobs })
      }
      const full = loadVisionSetup(join(root, VISION_LAYOUT.setup))
      const k = options.seeds.indexOf(seed)
      const setup = options.conceptPerSeed ? { ...full, tasks: [full.tasks[k % full.tasks.length]!] } : full
      const tasks = options.conceptPerSeed ? ['concept per seed'] : setup.tasks.map((t) => t.name)
      result ??= {
        track: 'vision',
        metric: 'F1',
        tasks,
        algorithms: options.algorithms,
        seeds: options.seeds,
        scores: Object.fromEntries(options.algorithms.map((a) => [a, tasks.map(() => [] as number[])])),
        seconds: Object.fromEntries(options.algorithms.map((a) => [a, 0])),
      }
      const total = options.seeds.length * tasks.length * options.algorithms.length
      for (const algorithm of options.algorithms) {
        const csvs = new Map<string, string>()
        for (const { name: task } of setup.tasks) {
          options.onProgress?.(`seed ${seed}, ${task}, ${algorithm}`, done++, total)
          const t = performance.now()
          const set = await runVisionSelection(setup, algorithm, {
            task,
            budget: options.budget ?? MAX_TRAINING_ROWS,
            seed,
          })
          result.seconds[algorithm]! += (performance.now() - t) / 1000
          const csv = join(scratch, `${seed}-${algorithm}-${task}.csv`)
          writeTrainingCsv(csv, set)
          csvs.set(task, csv)
          if (options.projection !== false && seed === options.seeds[0] && task === setup.tasks[0]!.name)
            await recordProjection(result, setup, task, algorithm, set)
        }
        const evaluations = await evaluateVision({
          ...setup,
          tasks: setup.tasks.map((t) => ({ ...t, trainCsv: csvs.get(t.name)! })),
        })
        evaluations.forEach((e, i) => result!.scores[algorithm]![i]!.push(e.metrics.f1))
      }
    }
  } finally {
    removeTemp(scratch)
  }
  return result!
}

async function recordProjection(
  result: ComparisonResult,
  setup: VisionSetup,
  task: string,
  algorithm: string,
  set: VisionSelection,
): Promise<void> {
  const dim = setup.dim
  const pool = await ParquetFile.open(setup.embFile)
  try {
    const ids = (await pool.readScalars(ID_COLUMN)).map(String)
    if (!result.projection) {
      // the whole pool is projected once; the report draws a sample of it
      const vectors = await pool.readVectors(EMBEDDING_COLUMN, { dim })
      const X = Float32Array.from(vectors.data)
      result.projection = {
        task: `${task} (first seed)`,
        points: principalPlane(X, ids.length, dim, 0, towardsExamples(setup.dataDir, task, ids, X, dim)),
        axes: ['towards the example images', 'main spread across that'],
        classes: new Int32Array(ids.length),
        classNames: ['pool / labelled 0', 'labelled 1'],
        selected: {},
        selectedClasses: {},
      }
    }
    const rowOf = new Map(ids.map((id, r) => [id, r]))
    result.projection.selected[algorithm] = Int32Array.from(set.ids, (id) => rowOf.get(id)!)
    result.projection.selectedClasses![algorithm] = Int32Array.from(set.labels)
  } finally {
    await pool.close()
  }
}

/** The direction from the pool's mean to the mean of the task's example images (what the concept looks like). */
function towardsExamples(dataDir: string, task: string, ids: string[], X: Float32Array, d: number): Float64Array {
  const examples = new Set(readExampleSet(dataDir, task).ids)
  const all = new Float64Array(d),
    ex = new Float64Array(d)
  let count = 0
  ids.forEach((id, r) => {
    const isExample = examples.has(id)
    if (isExample) count++
    for (let j = 0; j < d; j++) {
      all[j]! += X[r * d + j]!
      if (isExample) ex[j]! += X[r * d + j]!
    }
  })
  return ex.map((v, j) => (count ? v / count : 0) - all[j]! / ids.length)
}
