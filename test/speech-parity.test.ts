/**
 * Speech scores against the live oracle (Debian scikit-learn 1.2.1): for 24 varied training sets
 * on a generated benchmark, the official eval loop (VotingClassifier of SVC(probability=True,
 * random_state=s) and LogisticRegression(random_state=s), soft voting, macro F1) runs in sklearn
 * on the same arrays for the 10 official seeds; every prediction of every seed must be sklearn's
 * and each set's mean F1 equal to it. Also: the random baseline picks the
 * clips Python's random.sample picks.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { macroF1 } from '../src/ml/metrics.js'
import { numpySum } from '../src/ml/numpy-sum.js'
import { Rng } from '../src/ml/rng.js'
import { fitSoftVoting, predictSoftVoting, prepareRows, scalingForSeed } from '../src/ml/soft-voting.js'
import { OFFICIAL_EVAL_SEEDS } from '../src/speech/config.js'
import { createDataset, loadSpeechEmbeddings, type SpeechEmbeddings } from '../src/speech/embeddings.js'
import { readSampleIdsYaml, type SampleIds } from '../src/speech/sample-ids.js'
import { baselineSelect } from '../src/speech/select/baseline.js'
import { RandomSelection } from '../src/speech/select/random.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { runOracle } from './helpers/oracle.js'
import { pickTrainingSet } from './helpers/speech-sets.js'
import { tempFolder } from './helpers/temp-folder.js'

let allowed: SampleIds
let pool: SpeechEmbeddings
let evalData: ReturnType<typeof createDataset>
let dataDir: string

before(async () => {
  const root = tempFolder('speech-parity')
  generateSpeechBenchmark({ out: join(root, 'data'), languages: ['en'], seed: 7 })
  dataDir = join(root, 'data', 'dataperf_en_data')
  allowed = readSampleIdsYaml(join(dataDir, 'allowed_training_set.yaml'))
  pool = await loadSpeechEmbeddings(allowed, join(dataDir, 'train_embeddings'), { idsFile: 'allowed' })
  const evalIds = readSampleIdsYaml(join(dataDir, 'eval.yaml'))
  evalData = createDataset(await loadSpeechEmbeddings(evalIds, join(dataDir, 'eval_embeddings'), { idsFile: 'eval' }))
})

const pick = (rng: Rng, perTarget: number | number[], nontargets: number): SampleIds =>
  pickTrainingSet(pool, rng, perTarget, nontargets)

test('soft-voting SVC + LR: 24 training sets x 10 official seeds agree with scikit-learn', async () => {
  const rng = new Rng(2024)
  const sets: SampleIds[] = []
  for (let s = 0; s < 8; s++) sets.push(pick(rng, 4, 4)) // random 25-caps
  for (let s = 0; s < 6; s++) sets.push(pick(rng, 7, 24)) // 60-caps, nontarget heavy
  sets.push(pick(rng, 1, 1)) // one clip per class
  sets.push(pick(rng, [1, 2, 3, 8, 12], 2)) // unbalanced
  sets.push(pick(rng, [20, 1, 1, 1, 1], 30))
  sets.push(pick(rng, 2, 40))
  sets.push(pick(rng, 12, 0 + 1))
  sets.push(pick(rng, 3, 10))
  sets.push(pick(rng, [5, 5, 5, 5, 5], 35))
  const random = await new RandomSelection({
    allowedEmbeddings: pool,
    trainSize: 60,
    config: { selection_random_seed: 0 },
    audioFlag: false,
  }).select()
  sets.push({ targets: new Map(Object.entries(random.targets)), nontargets: random.nontargets })
  const baseline = await baselineSelect(pool, 25, 0)
  sets.push({ targets: new Map(Object.entries(baseline.targets)), nontargets: baseline.nontargets })
  sets.push(pick(rng, 6, 30))
  assert.ok(sets.length >= 20)

  const d = pool.dim
  const trains = await Promise.all(
    sets.map(async (ids) =>
      createDataset(await loadSpeechEmbeddings(ids, join(dataDir, 'train_embeddings'), { idsFile: 'set' })),
    ),
  )
  const ours = trains.map((t) => {
    const model = fitSoftVoting(t.X, t.rows, d, t.y)
    const prepared = prepareRows(model, evalData.X, evalData.rows)
    return OFFICIAL_EVAL_SEEDS.map((seed) => predictSoftVoting(model, scalingForSeed(model, seed), prepared))
  })
  const arrays: Record<string, { data: Float64Array | Int32Array; shape: number[] }> = {
    evalX: { data: evalData.X, shape: [evalData.rows, d] },
    evalY: { data: evalData.y, shape: [evalData.rows] },
  }
  trains.forEach((t, i) => {
    arrays[`X${i}`] = { data: t.X, shape: [t.rows, d] }
    arrays[`y${i}`] = { data: t.y, shape: [t.rows] }
  })
  const script = `
import sklearn.ensemble, sklearn.svm, sklearn.linear_model
from sklearn.metrics import f1_score
out = []
for i in range(ARGS['n']):
    X = ARGS['X%d' % i]; y = ARGS['y%d' % i].astype(float)
    preds = []; scores = []
    for s in ARGS['seeds']:
        clf = sklearn.ensemble.VotingClassifier(estimators=[('svm', sklearn.svm.SVC(probability=True, random_state=s)), ('lr', sklearn.linear_model.LogisticRegression(random_state=s))], voting='soft', weights=None)
        clf.fit(X, y)
        p = clf.predict(ARGS['evalX'])
        preds.append(p.astype(int).tolist()); scores.append(f1_score(ARGS['evalY'], p, average='macro'))
    out.append(dict(preds=preds, score=float(np.mean(scores))))
print(json.dumps(out))
`
  const oracle = runOracle<Array<{ preds: number[][]; score: number }>>(script, arrays, {
    n: trains.length,
    seeds: OFFICIAL_EVAL_SEEDS,
  })
  let worstAgreement = 1,
    worstDiff = 0,
    identicalSeeds = 0
  ours.forEach((perSeed, i) => {
    const scores = perSeed.map((pred, s) => {
      const theirs = oracle[i]!.preds[s]!
      let agree = 0
      for (let r = 0; r < pred.length; r++) if (pred[r] === theirs[r]) agree++
      const agreement = agree / pred.length
      if (agree === pred.length) identicalSeeds++
      worstAgreement = Math.min(worstAgreement, agreement)
      // exact: every prediction of every seed run is sklearn's (a single flipped row is a regression)
      assert.equal(
        agree,
        pred.length,
        `set ${i} seed ${OFFICIAL_EVAL_SEEDS[s]}: ${agree}/${pred.length} predictions agree`,
      )
      return macroF1(evalData.y, pred)
    })
    const mean = numpySum(Float64Array.from(scores)) / scores.length // np.mean, as the evaluator reports it
    const diff = Math.abs(mean - oracle[i]!.score)
    worstDiff = Math.max(worstDiff, diff)
    assert.equal(mean, oracle[i]!.score, `set ${i}: mean F1 ${mean} vs sklearn ${oracle[i]!.score}`)
  })
  console.log(
    `# speech parity: ${sets.length} sets x ${OFFICIAL_EVAL_SEEDS.length} seeds on ${evalData.rows} eval rows; ` +
      `${identicalSeeds}/${sets.length * OFFICIAL_EVAL_SEEDS.length} seed runs with identical predictions; worst agreement ${(worstAgreement * 100).toFixed(3)}%; worst mean-F1 difference ${worstDiff.toExponential(2)}`,
  )
})

test("the random baseline picks the clips Python's random.sample picks (random.seed(0))", async () => {
  for (const trainSize of [25, 60]) {
    const ours = await new RandomSelection({
      allowedEmbeddings: pool,
      trainSize,
      config: { selection_random_seed: 0 },
      audioFlag: false,
    }).select()
    const classes = [
      ...[...pool.targets.entries()].map(([w, c]) => [w, c.ids] as const),
      ['__nontargets__', pool.nontargets.ids] as const,
    ]
    const theirs = runOracle<Record<string, string[]>>(
      `
import random
random.seed(0)
k = ARGS['size'] // len(ARGS['classes'])
print(json.dumps({name: random.sample(ids, k) for name, ids in ARGS['classes']}))
`,
      {},
      { size: trainSize, classes },
    )
    for (const [word] of pool.targets) assert.deepEqual(ours.targets[word], theirs[word], `${trainSize}: ${word}`)
    assert.deepEqual(ours.nontargets, theirs['__nontargets__'])
  }
})
