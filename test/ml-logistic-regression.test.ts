/** Multinomial and binary logistic regression against scikit-learn 1.2.1 on the same arrays. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fitLogisticRegression, predict, predictProba } from '../src/ml/logistic-regression.js'
import { runOracle } from './helpers/oracle.js'
import { classificationProblem, problemArrays } from './helpers/problems.js'

test('predictions and probabilities equal sklearn LogisticRegression (binary and 6-class multinomial)', () => {
  const cases = [
    classificationProblem(1, 25, 1024, 6, 300, 0.8),
    classificationProblem(2, 60, 1024, 6, 300, 0.8),
    classificationProblem(3, 60, 256, 3, 300, 0.8),
    classificationProblem(4, 200, 64, 2, 300, 0.8),
    classificationProblem(5, 12, 1024, 6, 300, 0.8),
  ]
  const arrays = problemArrays(cases)
  const oracle = runOracle<Array<{ pred: number[]; proba: number[][] }>>(
    `
from sklearn.linear_model import LogisticRegression
out = []
for k in range(ARGS["n"]):
    clf = LogisticRegression(random_state=0).fit(ARGS[f"X{k}"], ARGS[f"y{k}"])
    out.append({"pred": clf.predict(ARGS[f"T{k}"]).tolist(), "proba": clf.predict_proba(ARGS[f"T{k}"]).tolist()})
print(json.dumps(out))`,
    arrays,
    { n: cases.length },
  )
  cases.forEach((c, k) => {
    const model = fitLogisticRegression(c.train.X, c.train.y.length, c.d, c.train.y)
    const m = c.test.y.length
    const pred = Array.from(predict(model, c.test.X, m))
    const agree = pred.filter((p, i) => p === oracle[k]!.pred[i]).length
    const proba = predictProba(model, c.test.X, m)
    const K = model.classes.length
    let maxDiff = 0
    oracle[k]!.proba.forEach((row, i) =>
      row.forEach((v, j) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - proba[i * K + j]!))
      }),
    )
    console.log(
      `case ${k}: ${K} classes, ${agree}/${m} predictions agree, max |proba diff| ${maxDiff.toExponential(2)}`,
    )
    assert.equal(agree, m)
    assert.ok(maxDiff < 1e-3, `probabilities differ by ${maxDiff}`)
  })
})
