/**
 * Unit tests of our two solvers against scikit-learn 1.2.1 (the oracle, live; it never skips), on
 * small random problems so a regression shows in seconds rather than in the 100-second parity runs:
 * the SMO solver behind SVC(probability=True) as `speech eval` fits it (support vectors, dual
 * coefficients, intercepts, Platt's probA/probB, predict_proba), and the L-BFGS logistic regression
 * in the settings both tracks use (coefficients, intercepts, predict_proba).
 *
 * Tolerances: both solvers stop early (SMO at a KKT gap of tol = 1e-3, L-BFGS at a projected
 * gradient of 1e-4 or 100 iterations), so a solver that takes one step differently from libsvm's
 * or scipy's ends up ~1e-4 to 1e-3 away, while one that takes the same steps differs only by
 * floating-point summation order (measured at most ~1e-10 on these problems). The bound sits between,
 * well clear of both: 1e-7, relative to the largest value for what the solvers return (coefficients,
 * intercepts, Platt's A and B) and absolute for probabilities.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fitLogisticRegression, predictProba } from '../src/ml/logistic-regression.js'
import {
  fitPlattScaling,
  fitSvcPairs,
  libsvmSeedFor,
  pairDecisionValues,
  predictionKernel,
  svcProbabilities,
} from '../src/ml/svm/svc.js'
import { runOracle } from './helpers/oracle.js'
import { classificationProblem, problemArrays as oracleArrays } from './helpers/problems.js'

const TOL = 1e-7

/** max |a - b| over paired values, relative to the largest |b| (at least 1 for probabilities' sake). */
function relDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  scale = Math.max(1e-300, ...Array.from(b, Math.abs)),
): number {
  assert.equal(a.length, b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale)
  return worst
}

test('SMO + Platt: support vectors, dual coefficients, intercepts, probA/probB and predict_proba equal sklearn SVC(probability=True)', () => {
  // (seed, training rows, features, classes, test rows, random_state): binary, 3- and 6-class as the speech leaderboards
  const settings = [
    [11, 24, 6, 2, 40, 0],
    [12, 36, 10, 3, 40, 3],
    [13, 60, 32, 6, 40, 7],
    [14, 150, 16, 3, 40, 1],
  ] as const
  const cases = settings.map(([seed, n, d, k, m]) => classificationProblem(seed, n, d, k, m, 1.2))
  const oracle = runOracle<
    Array<{
      pairs: Array<Record<string, number>>
      intercept: number[]
      support: number[]
      probA: number[]
      probB: number[]
      proba: number[][]
    }>
  >(
    `
from sklearn.svm import SVC
out = []
for k, rs in enumerate(ARGS["random_states"]):
    clf = SVC(probability=True, random_state=rs).fit(ARGS[f"X{k}"], ARGS[f"y{k}"])
    starts = [0]
    for c in clf.n_support_: starts.append(starts[-1] + int(c))
    K = len(clf.classes_)
    # sklearn negates a binary SVC's dual_coef_ and intercept_ (positive then means classes_[1]); libsvm's, and ours, are the other way
    sign = -1.0 if K == 2 else 1.0
    dual = sign * clf.dual_coef_
    pairs = []
    # libsvm's layout: for pair (i, j), class i's SVs carry their coefficient in row j-1, class j's in row i
    for i in range(K):
        for j in range(i + 1, K):
            coef = {}
            for s in range(starts[i], starts[i + 1]):
                if dual[j - 1, s] != 0: coef[str(int(clf.support_[s]))] = float(dual[j - 1, s])
            for s in range(starts[j], starts[j + 1]):
                if dual[i, s] != 0: coef[str(int(clf.support_[s]))] = float(dual[i, s])
            pairs.append(coef)
    out.append({"pairs": pairs, "intercept": (sign * clf.intercept_).tolist(), "support": clf.support_.tolist(),
                "probA": clf.probA_.tolist(), "probB": clf.probB_.tolist(), "proba": clf.predict_proba(ARGS[f"T{k}"]).tolist()})
print(json.dumps(out))`,
    oracleArrays(cases),
    { random_states: settings.map((s) => s[5]) },
  )

  cases.forEach((c, k) => {
    const n = c.train.y.length,
      m = c.test.y.length
    const model = fitSvcPairs(c.train.X, n, c.d, c.train.y)
    const want = oracle[k]!
    assert.equal(model.pairs.length, want.pairs.length)
    let worstCoef = 0
    model.pairs.forEach((pair, p) => {
      const ours = new Map<number, number>()
      pair.rows.forEach((row, i) => {
        if (pair.coef[i] !== 0) ours.set(row, pair.coef[i]!)
      })
      const theirs = new Map(Object.entries(want.pairs[p]!).map(([row, v]) => [Number(row), v]))
      assert.deepEqual(
        [...ours.keys()].sort((a, b) => a - b),
        [...theirs.keys()].sort((a, b) => a - b),
        `case ${k} pair ${p}: support vectors`,
      )
      worstCoef = Math.max(
        worstCoef,
        relDiff(
          [...theirs.keys()].map((r) => ours.get(r)!),
          [...theirs.values()],
        ),
      )
    })
    // sklearn's support_: every row that is a support vector of some pair, grouped by class
    const support = new Set(model.pairs.flatMap((pair) => Array.from(pair.rows).filter((_, i) => pair.coef[i] !== 0)))
    assert.deepEqual(
      [...support].sort((a, b) => c.train.y[a]! - c.train.y[b]! || a - b),
      want.support,
    )
    const intercept = relDiff(
      model.pairs.map((pair) => -pair.rho),
      want.intercept,
    )
    const scaling = fitPlattScaling(model, libsvmSeedFor(settings[k]![5]))
    const platt = Math.max(relDiff(scaling.probA, want.probA), relDiff(scaling.probB, want.probB))
    const proba = svcProbabilities(
      model,
      scaling,
      pairDecisionValues(model, predictionKernel(model, c.test.X, m, c.train.X), m),
      m,
    )
    const probaDiff = relDiff(proba, want.proba.flat(), 1)
    console.log(
      `SVC case ${k}: ${model.classes.length} classes, ${support.size} SVs; max rel diff: dual coef ${worstCoef.toExponential(1)}, intercept ${intercept.toExponential(1)}, probA/B ${platt.toExponential(1)}; proba ${probaDiff.toExponential(1)}`,
    )
    assert.ok(worstCoef < TOL, `dual coefficients differ by ${worstCoef}`)
    assert.ok(intercept < TOL, `intercepts differ by ${intercept}`)
    assert.ok(platt < TOL, `probA/probB differ by ${platt}`)
    assert.ok(probaDiff < TOL, `probabilities differ by ${probaDiff}`)
  })
})

test('L-BFGS logistic regression: coefficients, intercepts and predict_proba equal sklearn LogisticRegression(random_state=0)', () => {
  // vision's eval model (binary, 256-d, more rows than features), speech's (6 classes, 1024-d, fewer rows than features), a 3-class middle;
  // 4 and 5 classes on an odd row count take the multinomial objective's leftover class and leftover row paths
  const settings = [
    [21, 300, 256, 2, 60],
    [22, 25, 1024, 6, 40],
    [23, 80, 40, 3, 40],
    [24, 41, 30, 4, 40],
    [25, 53, 20, 5, 40],
  ] as const
  const cases = settings.map(([seed, n, d, k, m]) => classificationProblem(seed, n, d, k, m, 1.2))
  const oracle = runOracle<Array<{ coef: number[][]; intercept: number[]; proba: number[][]; nIter: number }>>(
    `
from sklearn.linear_model import LogisticRegression
out = []
for k in range(ARGS["n"]):
    clf = LogisticRegression(random_state=0).fit(ARGS[f"X{k}"], ARGS[f"y{k}"])
    out.append({"coef": clf.coef_.tolist(), "intercept": clf.intercept_.tolist(), "proba": clf.predict_proba(ARGS[f"T{k}"]).tolist(), "nIter": int(clf.n_iter_[0])})
print(json.dumps(out))`,
    oracleArrays(cases),
    { n: cases.length },
  )
  cases.forEach((c, k) => {
    const n = c.train.y.length,
      m = c.test.y.length
    const model = fitLogisticRegression(c.train.X, n, c.d, c.train.y)
    const want = oracle[k]!
    const coef = relDiff(model.coef, want.coef.flat())
    const intercept = relDiff(model.intercept, want.intercept, Math.max(...want.coef.flat().map(Math.abs)))
    const proba = relDiff(predictProba(model, c.test.X, m), want.proba.flat(), 1)
    console.log(
      `LR case ${k}: ${model.classes.length} classes, ${n}x${c.d}, ${model.nIter} iterations (sklearn ${want.nIter}); max rel diff: coef ${coef.toExponential(1)}, intercept ${intercept.toExponential(1)}; proba ${proba.toExponential(1)}`,
    )
    assert.equal(model.nIter, want.nIter, 'iterations (the same steps stop at the same point)')
    assert.ok(coef < TOL, `coefficients differ by ${coef}`)
    assert.ok(intercept < TOL, `intercepts differ by ${intercept}`)
    assert.ok(proba < TOL, `probabilities differ by ${proba}`)
  })
})
