/**
 * Speech eval fits the seeds' Platt scalings partly on a helper thread (ml/svm/platt-thread.ts)
 * while the main thread prepares the rows: the scalings, and so the scores, must be the bits the
 * one-thread path gives, whichever thread fits which seed.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { macroF1 } from '../src/ml/metrics.js'
import {
  fitSoftVoting,
  predictSoftVoting,
  prepareRows,
  scalingForSeed,
  softVotingScores,
} from '../src/ml/soft-voting.js'
import { plattScalingsAlongside } from '../src/ml/svm/platt-thread.js'
import { OFFICIAL_EVAL_SEEDS } from '../src/speech/config.js'
import { classificationProblem } from './helpers/problems.js'

const sameBits = (a: Float64Array, b: Float64Array, what: string) => {
  assert.equal(a.length, b.length, what)
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: entry ${i}: ${a[i]} != ${b[i]}`)
}

test('Platt scalings fitted on the helper thread are the one-thread fits, bit for bit; so are the scores', () => {
  const { train, test: held, d } = classificationProblem(3, 40, 32, 5, 200, 1.5)
  const model = fitSoftVoting(train.X, train.y.length, d, train.y)
  const seeds = [...OFFICIAL_EVAL_SEEDS]
  // this thread sleeps first, so the helper (if the machine has one) claims seeds
  const { scalings, byHelper } = plattScalingsAlongside(model.svc, seeds, () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000)
  })
  if (availableParallelism() > 1) assert.ok(byHelper > 0, 'the helper thread fitted some seeds')
  seeds.forEach((seed, s) => {
    const expected = scalingForSeed(model, seed)
    sameBits(scalings[s]!.probA, expected.probA, `seed ${seed} probA`)
    sameBits(scalings[s]!.probB, expected.probB, `seed ${seed} probB`)
  })
  // and the scores as speech eval computes them (seeds split between the threads as they come)
  const prepared = prepareRows(model, held.X, held.y.length)
  const oneThread = seeds.map((seed) =>
    macroF1(held.y, predictSoftVoting(model, scalingForSeed(model, seed), prepared)),
  )
  assert.deepEqual(softVotingScores(model, held.X, held.y, held.y.length, seeds), oneThread)
})
