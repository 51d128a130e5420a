/** vision select: every algorithm writes a valid, deterministic training set that beats random. */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateVisionBenchmark, VISION_CONCEPTS, VISION_LAYOUT } from '../src/synth/vision.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { Rng } from '../src/ml/rng.js'
import { evaluateVision } from '../src/vision/evaluate.js'
import { loadVisionSetup } from '../src/vision/setup.js'
import { readExampleSet } from '../src/vision/metadata.js'
import { readTrainingSet } from '../src/vision/training-set.js'
import { VISION_SELECTORS, writeTrainingCsv } from '../src/vision/select/index.js'
import { runCli } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

let dir: string
let poolIds: Set<string>
let randomF1: number
let ids: string[]

before(async () => {
  dir = tempFolder('select')
  generateVisionBenchmark({ out: dir, seed: 21, poolSize: 8000 })
  const f = await ParquetFile.open(join(dir, VISION_LAYOUT.pool))
  ids = (await f.readScalars('ImageID')).map(String)
  poolIds = new Set(ids)
  await f.close()
  // the reference every algorithm must beat, computed here so that any test may run alone
  // (with --test-name-pattern it once compared against an unset 0 and passed)
  const rng = new Rng(4)
  for (const c of VISION_CONCEPTS) {
    const ex = readExampleSet(dir, c.name).ids
    const negatives = Array.from(rng.sampleIndices(ids.length, 980), (r) => ids[r]!).filter((id) => !ex.includes(id))
    writeTrainingCsv(join(dir, VISION_LAYOUT.trainSet(c.name)), {
      ids: [...ex, ...negatives],
      labels: [...ex.map(() => 1), ...negatives.map(() => 0)],
    })
  }
  randomF1 = await meanF1()
  assert.ok(randomF1 > 0 && randomF1 < 1, `random reference F1 ${randomF1}`)
})

async function meanF1(): Promise<number> {
  const evals = await evaluateVision(loadVisionSetup(join(dir, VISION_LAYOUT.setup)))
  return evals.reduce((s, e) => s + e.metrics.f1, 0) / evals.length
}

for (const algorithm of Object.keys(VISION_SELECTORS).filter((a) => a !== 'random')) {
  // random is the reference
  test(`${algorithm}: valid, within budget, deterministic, better than random`, async () => {
    for (const c of VISION_CONCEPTS) {
      const out = join(dir, VISION_LAYOUT.trainSet(c.name))
      const args = [
        'vision',
        'select',
        '--setup',
        join(dir, VISION_LAYOUT.setup),
        '--task',
        c.name,
        '--algorithm',
        algorithm,
        '--out',
        out,
        '--seed',
        '3',
      ]
      const r = runCli(args)
      assert.equal(r.code, 0, r.stderr)
      const first = readFileSync(out, 'utf8')
      const set = readTrainingSet(out)
      assert.ok(set.ids.length <= 1000)
      assert.ok(set.ids.every((id) => poolIds.has(id)))
      assert.equal(runCli(args).code, 0)
      assert.equal(readFileSync(out, 'utf8'), first, 'same seed, same output')
    }
    const f1 = await meanF1()
    console.log(`${algorithm}: mean F1 ${f1.toFixed(4)} vs random ${randomF1.toFixed(4)}`)
    assert.ok(f1 > randomF1, `${algorithm} (${f1}) does not beat random (${randomF1})`)
  })
}
