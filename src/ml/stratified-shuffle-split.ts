/**
 * scikit-learn 1.2.1's StratifiedShuffleSplit(n_splits, train_size, test_size, random_state)
 * .split(X, y), index for index. The official DataPerf baselines draw their training subsets
 * with it, so we replay its exact sequence of numpy legacy RandomState calls.
 */
import { NumpyRandomState } from './numpy-random.js'

export interface StratifiedShuffleSplitOptions {
  nSplits: number
  /**
   * An integer is an absolute count, any other number a fraction in (0, 1), as sklearn tells
   * int from float (a float like 2.0, which sklearn rejects, reads here as the count 2).
   * Left out: the complement of the test size.
   */
  trainSize?: number
  /** Same convention; left out: the complement of the train size (0.1 when both are left out). */
  testSize?: number
  /** An int seed for RandomState(seed), or a RandomState to continue drawing from. */
  randomState: number | NumpyRandomState
}

export interface TrainTestSplit {
  train: Int32Array
  test: Int32Array
}

const DEFAULT_TEST_SIZE = 0.1

function describe(size: number | undefined): string {
  return size === undefined ? 'None' : String(size)
}

/** sklearn's _validate_shuffle_split: turns the two sizes into counts (train floors, test ceils). */
export function validateShuffleSplit(
  nSamples: number,
  testSize: number | undefined,
  trainSize: number | undefined,
  defaultTestSize: number | undefined = DEFAULT_TEST_SIZE,
): { nTrain: number; nTest: number } {
  if (testSize === undefined && trainSize === undefined) testSize = defaultTestSize
  for (const [name, size] of [
    ['test_size', testSize],
    ['train_size', trainSize],
  ] as const) {
    if (size === undefined) continue
    if (!Number.isFinite(size)) throw new Error(`Invalid value for ${name}: ${size}`)
    const bad = Number.isInteger(size) ? size >= nSamples || size <= 0 : size <= 0 || size >= 1
    if (bad) {
      throw new Error(
        `${name}=${size} should be either positive and smaller than the number of samples ${nSamples} ` +
          'or a float in the (0, 1) range',
      )
    }
  }
  const testIsFraction = testSize !== undefined && !Number.isInteger(testSize)
  const trainIsFraction = trainSize !== undefined && !Number.isInteger(trainSize)
  if (testIsFraction && trainIsFraction && trainSize! + testSize! > 1) {
    throw new Error(
      `The sum of test_size and train_size = ${trainSize! + testSize!}, should be in the (0, 1) range. ` +
        'Reduce test_size and/or train_size.',
    )
  }
  let nTest = testSize === undefined ? NaN : testIsFraction ? Math.ceil(testSize * nSamples) : testSize
  let nTrain = trainSize === undefined ? NaN : trainIsFraction ? Math.floor(trainSize * nSamples) : trainSize
  if (trainSize === undefined) nTrain = nSamples - nTest
  else if (testSize === undefined) nTest = nSamples - nTrain
  if (nTrain + nTest > nSamples) {
    throw new Error(
      `The sum of train_size and test_size = ${nTrain + nTest}, should be smaller than the number of ` +
        `samples ${nSamples}. Reduce test_size and/or train_size.`,
    )
  }
  if (nTrain === 0) {
    throw new Error(
      `With n_samples=${nSamples}, test_size=${describe(testSize)} and train_size=${describe(trainSize)}, ` +
        'the resulting train set will be empty. Adjust any of the aforementioned parameters.',
    )
  }
  return { nTrain, nTest }
}

/**
 * sklearn.utils._approximate_mode: how many of nDraws to take from each class. Floors the
 * proportional shares, then hands the leftover draws to the largest remainders; classes tied on
 * a remainder are picked with rng.choice(tied, size, replace=False), which consumes a full
 * permutation of the tied group even when all of it is taken.
 */
export function approximateMode(classCounts: ArrayLike<number>, nDraws: number, rng: NumpyRandomState): Int32Array {
  const n = classCounts.length
  let total = 0
  for (let i = 0; i < n; i++) total += classCounts[i]!
  const continuous = new Float64Array(n)
  const floored = new Float64Array(n)
  let flooredSum = 0
  for (let i = 0; i < n; i++) {
    // Same operation order as numpy: (count / total) * n_draws.
    continuous[i] = (classCounts[i]! / total) * nDraws
    floored[i] = Math.floor(continuous[i]!)
    flooredSum += floored[i]!
  }
  let needToAdd = Math.trunc(nDraws - flooredSum)
  if (needToAdd > 0) {
    const remainder = new Float64Array(n)
    for (let i = 0; i < n; i++) remainder[i] = continuous[i]! - floored[i]!
    const values = [...new Set(remainder)].sort((a, b) => b - a)
    for (const value of values) {
      const tied: number[] = []
      for (let i = 0; i < n; i++) if (remainder[i] === value) tied.push(i)
      const addNow = Math.min(tied.length, needToAdd)
      for (const i of rng.choiceWithoutReplacement(tied, addNow)) floored[i]! += 1
      needToAdd -= addNow
      if (needToAdd === 0) break
    }
  }
  return Int32Array.from(floored)
}

/** Sorted distinct labels and, per label, its sample indices in increasing order (np.unique + stable argsort). */
function groupByClass(y: ArrayLike<number>): number[][] {
  const byLabel = new Map<number, number[]>()
  for (let i = 0; i < y.length; i++) {
    const label = y[i]!
    if (Number.isNaN(label)) throw new Error(`y contains NaN at index ${i}`)
    let members = byLabel.get(label)
    if (members === undefined) byLabel.set(label, (members = []))
    members.push(i)
  }
  return [...byLabel.keys()].sort((a, b) => a - b).map((label) => byLabel.get(label)!)
}

/** StratifiedShuffleSplit(...).split(X, y) with n_samples = y.length; returns all nSplits splits. */
export function stratifiedShuffleSplit(y: ArrayLike<number>, options: StratifiedShuffleSplitOptions): TrainTestSplit[] {
  const { nSplits } = options
  if (!Number.isInteger(nSplits) || nSplits < 0)
    throw new Error(`nSplits must be a non-negative integer, got ${nSplits}`)
  const nSamples = y.length
  const { nTrain, nTest } = validateShuffleSplit(nSamples, options.testSize, options.trainSize)
  const classIndices = groupByClass(y)
  const nClasses = classIndices.length
  const classCounts = Int32Array.from(classIndices, (members) => members.length)
  if (Math.min(...classCounts) < 2) {
    throw new Error(
      'The least populated class in y has only 1 member, which is too few. ' +
        'The minimum number of groups for any class cannot be less than 2.',
    )
  }
  if (nTrain < nClasses) {
    throw new Error(`The train_size = ${nTrain} should be greater or equal to the number of classes = ${nClasses}`)
  }
  if (nTest < nClasses) {
    throw new Error(`The test_size = ${nTest} should be greater or equal to the number of classes = ${nClasses}`)
  }

  const rng = typeof options.randomState === 'number' ? new NumpyRandomState(options.randomState) : options.randomState
  const splits: TrainTestSplit[] = []
  for (let s = 0; s < nSplits; s++) {
    const nI = approximateMode(classCounts, nTrain, rng)
    const remaining = classCounts.map((c, i) => c - nI[i]!)
    const tI = approximateMode(remaining, nTest, rng)
    const train: number[] = []
    const test: number[] = []
    for (let c = 0; c < nClasses; c++) {
      // Every class is permuted in full, even the part that ends up in neither set.
      const perm = rng.permutation(classCounts[c]!)
      const members = classIndices[c]!
      for (let k = 0; k < nI[c]!; k++) train.push(members[perm[k]!]!)
      for (let k = nI[c]!; k < nI[c]! + tI[c]!; k++) test.push(members[perm[k]!]!)
    }
    splits.push({ train: rng.permutationOf(Int32Array.from(train)), test: rng.permutationOf(Int32Array.from(test)) })
  }
  return splits
}
