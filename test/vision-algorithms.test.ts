/**
 * The vision selection algorithms on a generated benchmark: each writes a valid training set
 * (pool IDs, labels 0/1, no duplicates, at most the budget), is deterministic by seed, and the
 * others beat random selection (examples + random negatives) on mean F1 over the concepts.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { evaluateVision } from '../src/vision/evaluate.js'
import { runVisionSelection, VISION_SELECTORS, writeTrainingCsv } from '../src/vision/select/index.js'
import { loadVisionSetup, type VisionSetup } from '../src/vision/setup.js'
import { generateVisionBenchmark, VISION_LAYOUT } from '../src/synth/vision.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { tempFolder } from './helpers/temp-folder.js'

let setup: VisionSetup
let poolIds: Set<string>
let work: string
const meanF1 = new Map<string, number>()
const firstRuns = new Map<string, ReturnType<typeof runVisionSelection>>()

/** Each algorithm's selection per task at budget 300, seed 0, made once and shared by both tests (a fresh run checks determinism). */
function selection(algorithm: string, task: string): ReturnType<typeof runVisionSelection> {
  const key = `${algorithm}/${task}`
  if (!firstRuns.has(key)) firstRuns.set(key, runVisionSelection(setup, algorithm, { task, budget: 300, seed: 0 }))
  return firstRuns.get(key)!
}

async function score(algorithm: string): Promise<number> {
  const tasks = await Promise.all(
    setup.tasks.map(async (t) => {
      const csv = join(work, `${algorithm}-${t.name}.csv`)
      writeTrainingCsv(csv, await selection(algorithm, t.name))
      return { ...t, trainCsv: csv }
    }),
  )
  const results = await evaluateVision({ ...setup, tasks })
  return results.reduce((a, r) => a + r.metrics.f1, 0) / results.length
}

before(async () => {
  work = tempFolder('vision-algorithms')
  generateVisionBenchmark({ out: join(work, 'data'), seed: 9, poolSize: 6000 })
  setup = loadVisionSetup(join(work, 'data', VISION_LAYOUT.setup))
  const pool = await ParquetFile.open(setup.embFile)
  poolIds = new Set((await pool.readScalars('ImageID')).map(String))
  await pool.close()
  meanF1.set('random', await score('random'))
})

for (const algorithm of Object.keys(VISION_SELECTORS)) {
  test(`${algorithm}: valid, within the budget, deterministic by seed`, async () => {
    for (const task of setup.tasks.map((t) => t.name)) {
      const set = await selection(algorithm, task)
      assert.ok(set.ids.length <= 300 && set.ids.length > 20, `${task}: ${set.ids.length} rows`)
      assert.equal(new Set(set.ids).size, set.ids.length, 'no duplicate IDs')
      assert.ok(
        set.ids.every((id) => poolIds.has(id)),
        'pool IDs only',
      )
      assert.ok(set.labels.every((l) => l === 0 || l === 1) && set.labels.includes(0) && set.labels.includes(1))
      assert.deepEqual(await runVisionSelection(setup, algorithm, { task, budget: 300, seed: 0 }), set)
    }
  })
}

for (const algorithm of Object.keys(VISION_SELECTORS).filter((a) => a !== 'random')) {
  test(`${algorithm} beats random selection on mean F1`, async () => {
    const f1 = await score(algorithm)
    console.log(`# ${algorithm}: mean F1 ${f1.toFixed(4)} vs random ${meanF1.get('random')!.toFixed(4)}`)
    assert.ok(f1 > meanF1.get('random')!, `${f1} vs ${meanF1.get('random')}`)
  })
}
