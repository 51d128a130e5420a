/** Our metrics equal sklearn.metrics bit for bit, including zero divisions and absent classes. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { binaryMetrics, classBalancedMacroF1, macroF1 } from '../src/ml/metrics.js'
import { Rng } from '../src/ml/rng.js'
import { runOracle } from './helpers/oracle.js'

test('binary metrics and macro F1 match sklearn on 40 label sets', () => {
  const rng = new Rng(8)
  const sets = Array.from({ length: 40 }, (_, k) => {
    const n = 5 + rng.int(300)
    const classes = k % 4 === 0 ? 2 : 2 + rng.int(5)
    const t = Int32Array.from({ length: n }, () => rng.int(classes))
    const p = Int32Array.from(t, (v) => (rng.uniform() < 0.3 ? rng.int(classes + (k % 5 === 0 ? 1 : 0)) : v))
    if (k % 7 === 0) p.fill(0) // no positive predictions: zero division
    return { t, p }
  })
  const arrays: Record<string, { data: Int32Array; shape: number[] }> = {}
  sets.forEach((s, k) => {
    arrays[`t${k}`] = { data: s.t, shape: [s.t.length] }
    arrays[`p${k}`] = { data: s.p, shape: [s.p.length] }
  })
  const oracle = runOracle<Array<{ macro: number; bin: number[] }>>(
    `
from sklearn.metrics import f1_score, accuracy_score, recall_score, precision_score
out = []
for k in range(ARGS["n"]):
    t, p = ARGS[f"t{k}"], ARGS[f"p{k}"]
    tb, pb = (t == 1).astype(int), (p == 1).astype(int)
    out.append({"macro": f1_score(t, p, average="macro", zero_division=0),
                "bin": [accuracy_score(tb, pb), recall_score(tb, pb, zero_division=0), precision_score(tb, pb, zero_division=0), f1_score(tb, pb, zero_division=0)]})
print(json.dumps(out))`,
    arrays,
    { n: sets.length },
  )
  sets.forEach((s, k) => {
    assert.equal(macroF1(s.t, s.p), oracle[k]!.macro, `macro F1, set ${k}`)
    const tb = Int32Array.from(s.t, (v) => (v === 1 ? 1 : 0)),
      pb = Int32Array.from(s.p, (v) => (v === 1 ? 1 : 0))
    const m = binaryMetrics(tb, pb)
    assert.deepEqual([m.accuracy, m.recall, m.precision, m.f1], oracle[k]!.bin, `binary metrics, set ${k}`)
  })
})

test('class-balanced macro F1: equals macro F1 when the classes are equally frequent, and ignores how often a class occurs', () => {
  const rng = new Rng(5)
  const yTrue = Int32Array.from({ length: 300 }, (_, i) => i % 3)
  const yPred = Int32Array.from(yTrue, (t) => (rng.uniform() < 0.7 ? t : rng.int(3)))
  assert.ok(Math.abs(classBalancedMacroF1(yTrue, yPred) - macroF1(yTrue, yPred)) < 1e-12)
  // the rows of class 0 three times over: plain macro F1 moves, the balanced one does not
  const extra = Array.from(yTrue).flatMap((t, i) => (t === 0 ? [i, i] : []))
  const t3 = Int32Array.from([...yTrue, ...extra.map((i) => yTrue[i]!)])
  const p3 = Int32Array.from([...yPred, ...extra.map((i) => yPred[i]!)])
  assert.ok(Math.abs(classBalancedMacroF1(t3, p3) - classBalancedMacroF1(yTrue, yPred)) < 1e-12)
  assert.ok(Math.abs(macroF1(t3, p3) - macroF1(yTrue, yPred)) > 1e-3)
})
