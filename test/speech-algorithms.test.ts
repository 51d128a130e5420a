/**
 * The built-in speech selection algorithms on one small generated benchmark (English, scale 0.15,
 * seed 21: not a sweep seed, nor one our method was developed on): every one returns a valid
 * training set under both caps (allowed IDs, no duplicates, every class present) and is
 * deterministic by seed; coreset and ours (kernel-herding, whose cross-validated class split is also
 * checked) beat balanced random selection
 * (its mean over three selection seeds) on mean macro F1. cleanlab's recipe is not held to that:
 * on small pools its half-nontarget budget loses to random at cap 25 (docs/reports/sweep-speech.txt).
 * The official baseline is left to speech-parity (its picks against the oracle's) and speech-cli
 * (valid, deterministic): its nested search would cost more than everything here together.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { fitSoftVoting, softVotingScores } from '../src/ml/soft-voting.js'
import { OFFICIAL_EVAL_SEEDS } from '../src/speech/config.js'
import { createDataset, loadSpeechEmbeddings, type SpeechEmbeddings } from '../src/speech/embeddings.js'
import { readSampleIdsYaml, type SampleIds } from '../src/speech/sample-ids.js'
import { KernelHerdingSelection } from '../src/speech/select/kernel-herding.js'
import { SPEECH_SELECTIONS } from '../src/speech/select/load-algorithm.js'
import type { SpeechTrainingSet } from '../src/speech/select/types.js'
import { validateSpeechSelection } from '../src/speech/validate.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string
let dir: string
let allowed: SampleIds
let pool: SpeechEmbeddings
let evalData: ReturnType<typeof createDataset>
const randomScore = new Map<number, number>()
/** each algorithm's selection at seed 0 per cap, made once and shared by the tests */
const firstRun = new Map<string, SpeechTrainingSet>()

function init(size: number, seed: number) {
  return { allowedEmbeddings: pool, trainSize: size, config: { selection_random_seed: seed }, audioFlag: false }
}

async function run(name: string, size: number, seed = 0): Promise<SpeechTrainingSet> {
  return new SPEECH_SELECTIONS[name]!.cls(init(size, seed)).select()
}

async function first(name: string, size: number): Promise<SpeechTrainingSet> {
  const key = `${name} ${size}`
  if (!firstRun.has(key)) firstRun.set(key, await run(name, size))
  return firstRun.get(key)!
}

async function score(set: SpeechTrainingSet): Promise<number> {
  const train = createDataset(
    await loadSpeechEmbeddings(
      { targets: new Map(Object.entries(set.targets)), nontargets: set.nontargets },
      join(dir, 'train_embeddings'),
      { idsFile: 'selection' },
    ),
  )
  const scores = softVotingScores(
    fitSoftVoting(train.X, train.rows, pool.dim, train.y),
    evalData.X,
    evalData.y,
    evalData.rows,
    OFFICIAL_EVAL_SEEDS,
  )
  return scores.reduce((a, b) => a + b, 0) / scores.length
}

before(async () => {
  root = tempFolder('speech-algorithms')
  generateSpeechBenchmark({ out: join(root, 'data'), languages: ['en'], seed: 21, scale: 0.15 })
  dir = join(root, 'data/dataperf_en_data')
  allowed = readSampleIdsYaml(join(dir, 'allowed_training_set.yaml'))
  pool = await loadSpeechEmbeddings(allowed, join(dir, 'train_embeddings'), { idsFile: 'allowed' })
  evalData = createDataset(
    await loadSpeechEmbeddings(readSampleIdsYaml(join(dir, 'eval.yaml')), join(dir, 'eval_embeddings'), {
      idsFile: 'eval',
    }),
  )
  // random's spread is wide on one benchmark: compare against its mean over three selection seeds
  for (const size of [25, 60]) {
    let sum = 0
    for (const seed of [0, 1, 2]) sum += await score(await run('random', size, seed))
    randomScore.set(size, sum / 3)
  }
})

for (const name of ['random', 'cleanlab', 'coreset']) {
  test(`${name}: valid under both caps, deterministic by seed`, async () => {
    for (const size of [25, 60]) {
      const set = await first(name, size)
      const ids: SampleIds = { targets: new Map(Object.entries(set.targets)), nontargets: set.nontargets }
      assert.doesNotThrow(() => validateSpeechSelection(ids, allowed, size, { selected: name, allowed: 'allowed' }))
    }
    assert.deepEqual(await run(name, 25), await first(name, 25), 'same seed, same selection')
    assert.notDeepEqual(await run(name, 25, 1), await first(name, 25), 'another seed, another selection')
  })
}

test('kernel-herding selection: valid under both caps, deterministic, the split that scored best on held-out keywords', async () => {
  for (const size of [25, 60]) {
    const selection = new KernelHerdingSelection(init(size, 0))
    const set = selection.select()
    firstRun.set(`kernel-herding ${size}`, set)
    const ids: SampleIds = { targets: new Map(Object.entries(set.targets)), nontargets: set.nontargets }
    assert.doesNotThrow(() =>
      validateSpeechSelection(ids, allowed, size, { selected: 'kernel-herding', allowed: 'allowed' }),
    )
    const choice = selection.choice!
    const tried = choice.scores.flatMap((s, c) => (Number.isNaN(s) ? [] : [c]))
    assert.ok(tried.includes(choice.perTarget.length - 1), 'the most clips per word is always tried')
    for (const c of tried)
      assert.ok(choice.scores[c]! > 0 && choice.scores[c]! <= 1, `held-out macro F1 ${choice.scores[c]}`)
    for (const c of tried) assert.ok(choice.scores[choice.chosen]! >= choice.scores[c]!)
    const perTarget = choice.perTarget[choice.chosen]!
    for (const [word, list] of Object.entries(set.targets))
      assert.equal(list.length, perTarget, `${word} at cap ${size}`)
    assert.equal(set.nontargets.length, size - 5 * perTarget)
    console.log(
      `# cap ${size}: held-out ${choice.scores.map((s, c) => `${choice.perTarget[c]}: ${Number.isNaN(s) ? '-' : s.toFixed(3)}`).join(', ')}; ${perTarget} per word`,
    )
  }
  // a second run at the cheaper cap (the cross-validation dominates the cost)
  assert.deepEqual(
    await run('kernel-herding', 25),
    await first('kernel-herding', 25),
    'same input and seed, same selection',
  )
})

for (const name of ['coreset', 'kernel-herding']) {
  test(`${name} beats balanced random selection on mean macro F1 (25 and 60)`, async () => {
    const scores = [await score(await first(name, 25)), await score(await first(name, 60))]
    const random = [randomScore.get(25)!, randomScore.get(60)!]
    console.log(
      `# ${name}: ${scores.map((s) => s.toFixed(4)).join(', ')} vs random ${random.map((s) => s.toFixed(4)).join(', ')}`,
    )
    assert.ok(scores[0]! + scores[1]! > random[0]! + random[1]!, `${scores} vs ${random}`)
  })
}
