/**
 * budget-split (src/speech/select/budget-split.ts) on one small generated benchmark (English,
 * scale 0.15, seed 22: not a sweep seed, nor a development seed): valid sets under both caps,
 * deterministic by seed, the set built is the option that scored best on held-out keywords, and it
 * beats balanced random selection (mean over three selection seeds) on the eval set. Also the
 * kernel it adds: facility location spread over groups.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { facilityLocation, greedyFacilityLocation } from '../src/ml/coresets.js'
import { Rng } from '../src/ml/rng.js'
import { fitSoftVoting, softVotingScores } from '../src/ml/soft-voting.js'
import { OFFICIAL_EVAL_SEEDS } from '../src/speech/config.js'
import { createDataset, loadSpeechEmbeddings, type SpeechEmbeddings } from '../src/speech/embeddings.js'
import { keywordOf } from '../src/speech/layout.js'
import { readSampleIdsYaml, type SampleIds } from '../src/speech/sample-ids.js'
import { BudgetSplitSelection, budgetOptions } from '../src/speech/select/budget-split.js'
import { RandomSelection } from '../src/speech/select/random.js'
import type { TrainingSet } from '../src/speech/select/types.js'
import { validateSelection } from '../src/speech/validate.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'

let root: string
let dir: string
let allowed: SampleIds
let pool: SpeechEmbeddings
let evalData: ReturnType<typeof createDataset>
const built = new Map<number, { set: TrainingSet; selection: BudgetSplitSelection }>()

function init(size: number, seed: number) {
  return { allowedEmbeddings: pool, trainSize: size, config: { selection_random_seed: seed }, audioFlag: false }
}

async function score(set: TrainingSet): Promise<number> {
  const train = createDataset(await loadSpeechEmbeddings({ targets: new Map(Object.entries(set.targets)), nontargets: set.nontargets }, join(dir, 'train_embeddings'), { idsFile: 'selection' }))
  const scores = softVotingScores(fitSoftVoting(train.X, train.rows, pool.dim, train.y), evalData.X, evalData.y, evalData.rows, OFFICIAL_EVAL_SEEDS)
  return scores.reduce((a, b) => a + b, 0) / scores.length
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'dataperf-budget-split-'))
  generateSpeechBenchmark({ out: join(root, 'data'), languages: ['en'], seed: 22, scale: 0.15 })
  dir = join(root, 'data/dataperf_en_data')
  allowed = readSampleIdsYaml(join(dir, 'allowed_training_set.yaml'))
  pool = await loadSpeechEmbeddings(allowed, join(dir, 'train_embeddings'), { idsFile: 'allowed' })
  evalData = createDataset(await loadSpeechEmbeddings(readSampleIdsYaml(join(dir, 'eval.yaml')), join(dir, 'eval_embeddings'), { idsFile: 'eval' }))
  for (const size of [25, 60]) {
    const selection = new BudgetSplitSelection(init(size, 0))
    built.set(size, { set: selection.select(), selection })
  }
})
after(() => rmSync(root, { recursive: true, force: true }))

test('budget-split: valid under both caps, deterministic by seed', () => {
  for (const size of [25, 60]) {
    const ids: SampleIds = { targets: new Map(Object.entries(built.get(size)!.set.targets)), nontargets: built.get(size)!.set.nontargets }
    assert.doesNotThrow(() => validateSelection(ids, allowed, size, { selected: 'budget-split', allowed: 'allowed' }))
  }
  assert.deepEqual(new BudgetSplitSelection(init(25, 0)).select(), built.get(25)!.set, 'same seed, same selection')
})

test('budget-split builds the option that scored best on held-out keywords, with its nontarget count', () => {
  for (const size of [25, 60]) {
    const { set, selection } = built.get(size)!
    const choice = selection.choice!
    assert.equal(choice.scores.length, choice.options.length)
    assert.ok(choice.scores.every((s) => s > 0 && s <= 1), `held-out macro F1 in (0, 1]: ${choice.scores.join(', ')}`)
    assert.equal(choice.scores[choice.chosen], Math.max(...choice.scores))
    const option = choice.options[choice.chosen]!
    assert.equal(set.nontargets.length, option.nontargets)
    const targets = Object.values(set.targets).map((t) => t.length)
    assert.equal(targets.reduce((a, b) => a + b, 0) + option.nontargets, size, 'the whole budget is used')
    assert.ok(Math.max(...targets) - Math.min(...targets) <= 1, `the target budget is split evenly: ${targets.join(', ')}`)
    if (option.spread) {
      // spread over keywords: no keyword gives a second clip before every keyword gave one
      const perKeyword = new Map<string, number>()
      for (const id of set.nontargets) perKeyword.set(keywordOf(id), (perKeyword.get(keywordOf(id)) ?? 0) + 1)
      const keywords = new Set(pool.nontargets.ids.map(keywordOf)).size
      if (set.nontargets.length <= keywords) assert.ok([...perKeyword.values()].every((n) => n === 1), 'one clip per keyword')
    }
  }
})

test('budget-split beats balanced random selection on the eval set at both caps', async () => {
  for (const size of [25, 60]) {
    let random = 0
    for (const seed of [0, 1, 2]) random += await score(new RandomSelection(init(size, seed)).select() as TrainingSet) / 3
    const ours = await score(built.get(size)!.set)
    assert.ok(ours > random, `cap ${size}: budget-split ${ours.toFixed(3)} vs random ${random.toFixed(3)}`)
  }
})

test('budgetOptions: nontarget counts from the even split to half the budget, plain and spread', () => {
  for (const [size, K] of [[25, 5], [60, 5], [60, 2], [7, 5]] as const) {
    const options = budgetOptions(size, K)
    const counts = [...new Set(options.map((o) => o.nontargets))]
    const even = size - K * Math.max(1, Math.floor(size / (K + 1)))
    assert.equal(counts[0], even)
    assert.equal(counts.at(-1), Math.max(even, Math.floor(size / 2)))
    assert.ok(counts.length <= 6)
    assert.deepEqual(options.filter((o) => o.spread).map((o) => o.nontargets), counts)
  }
})

test('greedy facility location: gains fall, picks are prefixes of longer runs, groups are visited in turn', () => {
  const rng = new Rng(3)
  const n = 40, k = 4
  const F = Float32Array.from({ length: n * k }, () => rng.normal())
  const rows = Array.from({ length: n }, (_, i) => i)
  const long = greedyFacilityLocation(F, k, rows, 20)
  assert.deepEqual(long.picks, facilityLocation(F, k, rows, 20))
  assert.deepEqual(greedyFacilityLocation(F, k, rows, 7).picks, long.picks.slice(0, 7))
  for (let i = 1; i < long.gains.length; i++) assert.ok(long.gains[i]! <= long.gains[i - 1]! + 1e-12, 'submodular: gains never rise')
  // three groups of unequal size: each round takes one from every group that has rows left
  const group = Int32Array.from(rows, (i) => (i < 30 ? 0 : i < 37 ? 1 : 2))
  const spread = greedyFacilityLocation(F, k, rows, 12, group).picks.map((r) => group[r]!)
  for (let round = 0; round < 3; round++) assert.deepEqual([...spread.slice(3 * round, 3 * round + 3)].sort(), [0, 1, 2], `round ${round}: ${spread.join(',')}`)
  assert.equal(spread.filter((g) => g === 2).length, 3, 'a group out of rows is skipped')
})
