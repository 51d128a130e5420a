/**
 * Speech eval against the live oracle (Debian scikit-learn 1.2.1) where exact agreement is not
 * reproducible even by scikit-learn itself: the benchmark generated at half scale (seed 7), the
 * first ten training sets of test/speech-parity.test.ts (24 to 59 clips of 1024 values).
 *
 * Why not exact: with fewer clips than features, sklearn's L-BFGS stops at the tolerance (max |g|
 * <= 1e-4, or 100 iterations) after a path that amplifies rounding differences. Measured on these
 * sets: one ulp of noise in sklearn's own gradient moves its probabilities by up to 3e-5, and
 * sklearn run with another OpenBLAS kernel (OPENBLAS_CORETYPE=Haswell or Prescott instead of this
 * machine's SkylakeX) moves them by up to 4.8e-3 and flips 2 or 3 soft-vote predictions over the
 * ten seeds, at rows whose margin is at most 3.5e-4. Our solver's first 11 iterations equal
 * sklearn's to 1e-13; then the paths drift as those noise-driven runs do (ours: up to 1.4e-3, one
 * flip, set 2 seed 37, margin 1.9e-5). A flip at such a near-tie says nothing about our code.
 *
 * What does say something, and is asserted: (1) every set's logistic-regression probabilities are
 * within 1e-2 of sklearn's, and the median over the sets of the largest difference is at most
 * 1e-5; (2) every prediction of every seed is sklearn's except at rows where sklearn's own
 * soft-vote margin (largest minus second averaged probability) is below 1e-3 (408 of 10,400).
 * Stopping 10 iterations early, at tol 1e-3 or 1e-5, or fitting C = 0.9 each fail both: medians
 * 2.6e-3 to 2.2e-2, and 12 to 505 flips at margins of 1e-3 or more.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { Rng } from '../src/ml/rng.js'
import { fitSoftVoting, predictSoftVoting, prepareRows, scalingForSeed } from '../src/ml/soft-voting.js'
import { OFFICIAL_EVAL_SEEDS } from '../src/speech/config.js'
import { createDataset, loadSpeechEmbeddings } from '../src/speech/embeddings.js'
import { readSampleIdsYaml, type SampleIds } from '../src/speech/sample-ids.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { runOracle } from './helpers/oracle.js'
import { pickTrainingSet } from './helpers/speech-sets.js'
import { tempFolder } from './helpers/temp-folder.js'

/** bound on |our LR probability - sklearn's| */
const PROBA_BOUND = 1e-2
/** sklearn's soft-vote margin below which a row is a near-tie */
const NEAR_TIE = 1e-3
/** bound on the median over the sets of the largest LR probability difference */
const MEDIAN_BOUND = 1e-5

let root: string
let sets: Array<{ X: Float64Array; y: Int32Array; rows: number }>
let evalData: ReturnType<typeof createDataset>

before(async () => {
  root = tempFolder('speech-near-ties')
  generateSpeechBenchmark({ out: join(root, 'data'), languages: ['en'], seed: 7, scale: 0.5 })
  const dataDir = join(root, 'data', 'dataperf_en_data')
  const pool = await loadSpeechEmbeddings(
    readSampleIdsYaml(join(dataDir, 'allowed_training_set.yaml')),
    join(dataDir, 'train_embeddings'),
    { idsFile: 'allowed' },
  )
  evalData = createDataset(
    await loadSpeechEmbeddings(readSampleIdsYaml(join(dataDir, 'eval.yaml')), join(dataDir, 'eval_embeddings'), {
      idsFile: 'eval',
    }),
  )
  // the same draws as the first ten sets of speech-parity.test.ts: eight 25-caps, two 60-caps
  const rng = new Rng(2024)
  const ids: SampleIds[] = []
  for (let s = 0; s < 8; s++) ids.push(pickTrainingSet(pool, rng, 4, 4))
  for (let s = 0; s < 2; s++) ids.push(pickTrainingSet(pool, rng, 7, 24))
  sets = await Promise.all(
    ids.map(async (set) =>
      createDataset(await loadSpeechEmbeddings(set, join(dataDir, 'train_embeddings'), { idsFile: 'set' })),
    ),
  )
})

test("half-scale speech sets: LR probabilities within the solver's reproducibility, predictions sklearn's except at near-ties", (t) => {
  t.after(() => rmSync(root, { recursive: true, force: true }))
  const d = evalData.X.length / evalData.rows
  const ours = sets.map((s) => {
    const model = fitSoftVoting(s.X, s.rows, d, s.y)
    const prepared = prepareRows(model, evalData.X, evalData.rows)
    return {
      lrProba: prepared.lrProba,
      preds: OFFICIAL_EVAL_SEEDS.map((seed) => predictSoftVoting(model, scalingForSeed(model, seed), prepared)),
    }
  })
  const arrays: Record<string, { data: Float64Array | Int32Array; shape: number[] }> = {
    evalX: { data: evalData.X, shape: [evalData.rows, d] },
  }
  sets.forEach((s, i) => {
    arrays[`X${i}`] = { data: s.X, shape: [s.rows, d] }
    arrays[`y${i}`] = { data: s.y, shape: [s.rows] }
  })
  const oracle = runOracle<Array<{ lr: number[]; preds: number[][]; margins: number[][] }>>(
    `
import warnings
warnings.simplefilter('ignore')  # sets that stop at max_iter warn; that is the official run too
import sklearn.linear_model, sklearn.svm
out = []
for i in range(ARGS['n']):
    X = ARGS['X%d' % i]; y = ARGS['y%d' % i].astype(float); T = ARGS['evalX']
    lr = sklearn.linear_model.LogisticRegression(random_state=0).fit(X, y).predict_proba(T)
    preds = []; margins = []
    for s in ARGS['seeds']:
        avg = (sklearn.svm.SVC(probability=True, random_state=s).fit(X, y).predict_proba(T) + lr) / 2
        top = np.sort(avg, axis=1)
        preds.append(avg.argmax(axis=1).tolist()); margins.append((top[:, -1] - top[:, -2]).tolist())
    out.append(dict(lr=lr.ravel().tolist(), preds=preds, margins=margins))
print(json.dumps(out))
`,
    arrays,
    { n: sets.length, seeds: OFFICIAL_EVAL_SEEDS },
  )

  const worst: number[] = []
  let nearTieFlips = 0,
    nearTies = 0
  sets.forEach((s, i) => {
    const theirs = oracle[i]!
    let maxDiff = 0
    ours[i]!.lrProba.forEach((p, k) => {
      maxDiff = Math.max(maxDiff, Math.abs(p - theirs.lr[k]!))
    })
    assert.ok(
      maxDiff <= PROBA_BOUND,
      `set ${i}: LR probabilities differ from sklearn's by up to ${maxDiff.toExponential(2)}`,
    )
    worst.push(maxDiff)
    const classes = Array.from(new Set(s.y)).sort((a, b) => a - b)
    ours[i]!.preds.forEach((pred, seedIndex) => {
      const margins = theirs.margins[seedIndex]!
      pred.forEach((label, r) => {
        if (margins[r]! < NEAR_TIE) nearTies++
        const theirLabel = classes[theirs.preds[seedIndex]![r]!]
        if (label === theirLabel) return
        assert.ok(
          margins[r]! < NEAR_TIE,
          `set ${i} seed ${OFFICIAL_EVAL_SEEDS[seedIndex]} row ${r}: we predict ${label}, sklearn ${theirLabel} with a soft-vote margin of ${margins[r]}`,
        )
        nearTieFlips++
      })
    })
  })
  const median = [...worst].sort((a, b) => a - b)[Math.floor(worst.length / 2)]!
  assert.ok(
    median <= MEDIAN_BOUND,
    `median over sets of the largest LR probability difference: ${median.toExponential(2)}`,
  )
  console.log(
    `# half-scale speech parity: ${sets.length} sets x ${OFFICIAL_EVAL_SEEDS.length} seeds on ${evalData.rows} eval rows; ` +
      `largest LR probability difference per set ${worst.map((w) => w.toExponential(0)).join(' ')}; ` +
      `${nearTieFlips} of ${nearTies} near-tie predictions (sklearn margin < ${NEAR_TIE}) differ, none elsewhere`,
  )
})
