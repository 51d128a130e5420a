/**
 * The speech track's fixed model: VotingClassifier(voting="soft") of SVC(probability=True,
 * random_state=seed) and LogisticRegression(random_state=seed), averaged predict_proba, first
 * maximum wins. Only Platt scaling depends on the seed (lbfgs ignores random_state), so the SVC's
 * pair solutions, the logistic regression and every decision value are computed once and each
 * seed costs one Platt fit: scoring 10 seeds is barely dearer than scoring one.
 */
import {
  fitLogisticRegression,
  predictProba,
  type LogisticRegressionModel,
  type LogisticRegressionOptions,
} from './logistic-regression.js'
import { macroF1 } from './metrics.js'
import { plattScalingsAlongside } from './svm/platt-thread.js'
import {
  fitPlattScaling,
  fitSvcPairs,
  libsvmSeedFor,
  pairDecisionValues,
  predictionKernel,
  svcProbabilities,
  type PlattScaling,
  type SvcOptions,
  type SvcPairs,
} from './svm/svc.js'

export interface SoftVotingModel {
  svc: SvcPairs
  lr: LogisticRegressionModel
  trainX: Float64Array
  classes: Int32Array
}

/** The seed-free part of the fit. Needs at least two classes. */
export function fitSoftVoting(
  X: Float64Array,
  nSamples: number,
  nFeatures: number,
  y: Int32Array,
  options: { lr?: LogisticRegressionOptions; svc?: SvcOptions } = {},
): SoftVotingModel {
  const svc = fitSvcPairs(X, nSamples, nFeatures, y, options.svc)
  const lr = fitLogisticRegression(X, nSamples, nFeatures, y, options.lr)
  return { svc, lr, trainX: X, classes: svc.classes }
}

/** What predicting needs from new rows, independent of the seed. */
export interface PreparedRows {
  rows: number
  svcDecision: Float64Array
  lrProba: Float64Array
}

export function prepareRows(model: SoftVotingModel, X: Float64Array | Float32Array, rows: number): PreparedRows {
  const kernel = predictionKernel(model.svc, X, rows, model.trainX)
  return { rows, svcDecision: pairDecisionValues(model.svc, kernel, rows), lrProba: predictProba(model.lr, X, rows) }
}

/** Platt scaling for sklearn's random_state = seed. */
export function scalingForSeed(model: SoftVotingModel, seed: number): PlattScaling {
  return fitPlattScaling(model.svc, libsvmSeedFor(seed))
}

/** Predicted class labels: argmax of (p_svc + p_lr) / 2. */
export function predictSoftVoting(model: SoftVotingModel, scaling: PlattScaling, prepared: PreparedRows): Int32Array {
  const k = model.classes.length
  const svcProba = svcProbabilities(model.svc, scaling, prepared.svcDecision, prepared.rows)
  const out = new Int32Array(prepared.rows)
  for (let r = 0; r < prepared.rows; r++) {
    let best = 0,
      bestValue = -Infinity
    for (let c = 0; c < k; c++) {
      const v = (svcProba[r * k + c]! + prepared.lrProba[r * k + c]!) / 2
      if (v > bestValue) {
        bestValue = v
        best = c
      }
    }
    out[r] = model.classes[best]!
  }
  return out
}

/** Macro F1 on (X, y) for each seed, as the official eval.py loop computes it. */
export function softVotingScores(
  model: SoftVotingModel,
  X: Float64Array | Float32Array,
  y: Int32Array,
  rows: number,
  seeds: readonly number[],
): number[] {
  // the seeds' Platt fits go partly to a second thread while this one prepares the rows
  const { scalings, value: prepared } = plattScalingsAlongside(model.svc, seeds, () => prepareRows(model, X, rows))
  return scalings.map((scaling) => macroF1(y, predictSoftVoting(model, scaling, prepared)))
}
