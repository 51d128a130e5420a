import { test } from 'node:test'
import assert from 'node:assert/strict'
import { NumpyRandomState } from '../src/ml/numpy-random.js'
import { approximateMode, stratifiedShuffleSplit } from '../src/ml/stratified-shuffle-split.js'
import { runOracle } from './helpers/oracle.js'

interface Case {
  name: string
  y: number[]
  trainSize?: number
  testSize?: number
  seed: number
  nSplits: number
}

/** Labels with the given per-class counts, shuffled deterministically so classes interleave. */
function labels(counts: number[], values: number[] = counts.map((_, i) => i), shuffleSeed = 7): number[] {
  const y: number[] = []
  counts.forEach((c, i) => {
    for (let k = 0; k < c; k++) y.push(values[i]!)
  })
  new NumpyRandomState(shuffleSeed).shuffle(y)
  return y
}

const CASES: Case[] = [
  // The official baseline: 5 unbalanced classes, small train sizes.
  ...[15, 36].flatMap((trainSize) =>
    [0, 1, 42].map((seed) => ({
      name: `5 classes 300..2500, train ${trainSize}`,
      y: labels([300, 2500, 800, 1200, 450]),
      trainSize,
      seed,
      nSplits: 10,
    })),
  ),
  // One class only (nontarget labels in the baseline).
  ...[10, 24].flatMap((trainSize) =>
    [0, 3, 2023].map((seed) => ({
      name: `1 class of 500, train ${trainSize}`,
      y: labels([500]),
      trainSize,
      seed,
      nSplits: 10,
    })),
  ),
  { name: '2 classes', y: labels([40, 61]), trainSize: 13, seed: 5, nSplits: 10 },
  { name: '2 equal classes, odd train (tie)', y: labels([30, 30]), trainSize: 11, seed: 9, nSplits: 10 },
  {
    name: '6 equal classes (ties on train and test)',
    y: labels([10, 10, 10, 10, 10, 10]),
    trainSize: 15,
    testSize: 21,
    seed: 11,
    nSplits: 10,
  },
  { name: '6 classes, partial ties', y: labels([12, 12, 12, 7, 7, 20]), trainSize: 17, seed: 13, nSplits: 10 },
  {
    name: '5 classes with float labels out of order',
    y: labels([5, 9, 3, 9, 4], [3.5, -1, 7, 0.25, 100]),
    trainSize: 8,
    seed: 17,
    nSplits: 10,
  },
  { name: 'fraction sizes', y: labels([50, 23, 77]), trainSize: 0.3, testSize: 0.25, seed: 19, nSplits: 10 },
  { name: 'only test_size (fraction)', y: labels([50, 23, 77]), testSize: 0.2, seed: 23, nSplits: 10 },
  { name: 'no sizes (default test 0.1)', y: labels([50, 23, 77]), seed: 29, nSplits: 10 },
  { name: 'fraction train only', y: labels([300, 2500, 800, 1200, 450]), trainSize: 0.013, seed: 31, nSplits: 10 },
  { name: 'train+test below n', y: labels([3, 4, 5, 6, 7, 8]), trainSize: 6, testSize: 6, seed: 37, nSplits: 10 },
]

const ORACLE = `
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import _approximate_mode
out = []
for c in ARGS['cases']:
    y = np.array(c['y'])
    sss = StratifiedShuffleSplit(n_splits=c['nSplits'], train_size=c.get('trainSize'),
                                 test_size=c.get('testSize'), random_state=c['seed'])
    out.append([[tr.tolist(), te.tolist()] for tr, te in sss.split(np.zeros(len(y)), y)])
modes = []
for m in ARGS['modes']:
    rng = np.random.RandomState(m['seed'])
    res = _approximate_mode(np.array(m['counts']), m['draws'], rng)
    # The next draw shows how much of the stream the tie-breaking consumed.
    modes.append([res.tolist(), int(rng.randint(1000000))])
errors = []
for e in ARGS['errors']:
    try:
        sss = StratifiedShuffleSplit(n_splits=1, train_size=e.get('trainSize'), test_size=e.get('testSize'), random_state=0)
        next(sss.split(np.zeros(len(e['y'])), np.array(e['y'])))
        errors.append(None)
    except ValueError as ex:
        errors.append(str(ex))
print(json.dumps({'splits': out, 'modes': modes, 'errors': errors}))
`

const MODES = [
  { counts: [4, 2], draws: 3, seed: 0 },
  { counts: [5, 2], draws: 4, seed: 0 },
  { counts: [2, 2, 2, 1], draws: 2, seed: 0 },
  { counts: [2, 2, 2, 1], draws: 2, seed: 42 },
  ...Array.from({ length: 20 }, (_, i) => ({ counts: [5, 5, 5, 5, 5, 5, 5, 3, 3], draws: 4 + (i % 7), seed: i })),
  ...Array.from({ length: 10 }, (_, i) => ({ counts: [300, 2500, 800, 1200, 450], draws: 10 + 3 * i, seed: 100 + i })),
  { counts: [0, 3, 3, 0, 4], draws: 5, seed: 8 },
]

const ERRORS: Array<{ y: number[]; trainSize?: number; testSize?: number; pattern: RegExp }> = [
  { y: [0, 0, 1, 2, 2], trainSize: 2, pattern: /least populated class in y has only 1 member/ },
  {
    y: labels([5, 5, 5]),
    trainSize: 2,
    pattern: /train_size = 2 should be greater or equal to the number of classes = 3/,
  },
  {
    y: labels([5, 5, 5]),
    trainSize: 13,
    pattern: /test_size = 2 should be greater or equal to the number of classes = 3/,
  },
  { y: labels([5, 5]), trainSize: 6, testSize: 5, pattern: /sum of train_size and test_size = 11/ },
  {
    y: labels([5, 5]),
    trainSize: 10,
    pattern: /train_size=10 should be either positive and smaller than the number of samples 10/,
  },
  { y: labels([500]), trainSize: 500, pattern: /train_size=500 should be either positive/ },
]

test('stratifiedShuffleSplit equals sklearn 1.2.1 StratifiedShuffleSplit index for index', () => {
  const oracle = runOracle<{ splits: number[][][][]; modes: Array<[number[], number]>; errors: Array<string | null> }>(
    ORACLE,
    {},
    { cases: CASES, modes: MODES, errors: ERRORS.map(({ y, trainSize, testSize }) => ({ y, trainSize, testSize })) },
  )
  CASES.forEach((c, i) => {
    const ours = stratifiedShuffleSplit(c.y, {
      nSplits: c.nSplits,
      trainSize: c.trainSize,
      testSize: c.testSize,
      randomState: c.seed,
    })
    const theirs = oracle.splits[i]!
    assert.equal(ours.length, theirs.length, c.name)
    ours.forEach(({ train, test }, s) => {
      assert.deepEqual(Array.from(train), theirs[s]![0], `${c.name} seed ${c.seed} split ${s} train`)
      assert.deepEqual(Array.from(test), theirs[s]![1], `${c.name} seed ${c.seed} split ${s} test`)
    })
  })

  MODES.forEach((m, i) => {
    const rng = new NumpyRandomState(m.seed)
    const mode = Array.from(approximateMode(m.counts, m.draws, rng))
    assert.deepEqual([mode, rng.randint(1000000)], oracle.modes[i], JSON.stringify(m))
  })

  ERRORS.forEach((e, i) => {
    const message = oracle.errors[i]
    assert.ok(
      message !== null && message !== undefined && e.pattern.test(message),
      `oracle message for case ${i}: ${message}`,
    )
    assert.throws(
      () => stratifiedShuffleSplit(e.y, { nSplits: 1, trainSize: e.trainSize, testSize: e.testSize, randomState: 0 }),
      { message },
    )
  })
})

test('the tie-breaking cases really tie (guards the case list)', () => {
  // 6 classes of 10 with train 15: every share is 2.5, so three of six get the extra sample.
  const rng = new NumpyRandomState(0)
  const mode = approximateMode([10, 10, 10, 10, 10, 10], 15, rng)
  assert.equal(
    mode.reduce((a, b) => a + b, 0),
    15,
  )
  assert.deepEqual([...new Set(mode)].sort(), [2, 3])
})
