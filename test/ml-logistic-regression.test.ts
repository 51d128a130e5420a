/** Multinomial and binary logistic regression against scikit-learn 1.2.1 on the same arrays. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fitLogisticRegression, predict, predictProba } from '../src/ml/logistic-regression.js'
import { Rng } from '../src/ml/rng.js'
import { runOracle } from './helpers/oracle.js'

function problem(seed: number, n: number, d: number, classes: number, m: number) {
  const rng = new Rng(seed)
  const centers = Array.from({ length: classes }, () => Float64Array.from({ length: d }, () => Math.max(0, rng.normal())))
  const make = (rows: number) => {
    const X = new Float64Array(rows * d), y = new Int32Array(rows)
    for (let i = 0; i < rows; i++) {
      const c = i < classes ? i : rng.int(classes)
      y[i] = c
      for (let j = 0; j < d; j++) X[i * d + j] = Math.max(0, centers[c]![j]! + 0.8 * rng.normal())
    }
    return { X, y }
  }
  return { train: make(n), test: make(m), d }
}

test('predictions and probabilities equal sklearn LogisticRegression (binary and 6-class multinomial)', () => {
  const cases = [problem(1, 25, 1024, 6, 300), problem(2, 60, 1024, 6, 300), problem(3, 60, 256, 3, 300), problem(4, 200, 64, 2, 300), problem(5, 12, 1024, 6, 300)]
  const arrays: Record<string, { data: Float64Array | Int32Array; shape: number[] }> = {}
  cases.forEach((c, k) => {
    arrays[`X${k}`] = { data: c.train.X, shape: [c.train.y.length, c.d] }
    arrays[`y${k}`] = { data: c.train.y, shape: [c.train.y.length] }
    arrays[`T${k}`] = { data: c.test.X, shape: [c.test.y.length, c.d] }
  })
  const oracle = runOracle<Array<{ pred: number[]; proba: number[][] }>>(`
from sklearn.linear_model import LogisticRegression
out = []
for k in range(ARGS["n"]):
    clf = LogisticRegression(random_state=0).fit(ARGS[f"X{k}"], ARGS[f"y{k}"])
    out.append({"pred": clf.predict(ARGS[f"T{k}"]).tolist(), "proba": clf.predict_proba(ARGS[f"T{k}"]).tolist()})
print(json.dumps(out))`, arrays, { n: cases.length })
  cases.forEach((c, k) => {
    const model = fitLogisticRegression(c.train.X, c.train.y.length, c.d, c.train.y)
    const m = c.test.y.length
    const pred = Array.from(predict(model, c.test.X, m))
    const agree = pred.filter((p, i) => p === oracle[k]!.pred[i]).length
    const proba = predictProba(model, c.test.X, m)
    const K = model.classes.length
    let maxDiff = 0
    oracle[k]!.proba.forEach((row, i) => row.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - proba[i * K + j]!)) }))
    console.log(`case ${k}: ${K} classes, ${agree}/${m} predictions agree, max |proba diff| ${maxDiff.toExponential(2)}`)
    assert.equal(agree, m)
    assert.ok(maxDiff < 1e-3, `probabilities differ by ${maxDiff}`)
  })
})
