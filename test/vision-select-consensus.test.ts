/** consensus's fold score: F1 at an even class mix, whatever mix the held-out human labels have. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { binaryMetrics } from '../src/ml/metrics.js'
import { evenMixF1 } from '../src/vision/select/consensus.js'

/** labels and predictions with the given counts */
function outcome(tp: number, fn: number, fp: number, tn: number) {
  const y = [...Array(tp + fn).fill(1), ...Array(fp + tn).fill(0)]
  const p = [...Array(tp).fill(1), ...Array(fn).fill(0), ...Array(fp).fill(1), ...Array(tn).fill(0)]
  return binaryMetrics(y, p).f1
}

test('even-mix F1 is the F1 the same rates give on as many negatives as positives', () => {
  // 10 positives, 2 negatives: TPR 0.8, FPR 0.5; at 10 + 10 that is 8 TP, 2 FN, 5 FP
  assert.ok(Math.abs(evenMixF1({ tp: 8, fn: 2, fp: 1, tn: 1 }) - outcome(8, 2, 5, 5)) < 1e-12)
  // a fold's plain F1 rewards calling everything positive when positives dominate; the even mix does not
  assert.ok(outcome(10, 0, 2, 0) > outcome(8, 2, 0, 2))
  assert.ok(evenMixF1({ tp: 10, fn: 0, fp: 2, tn: 0 }) < evenMixF1({ tp: 8, fn: 2, fp: 0, tn: 2 }))
  // with no negatives in the fold it is the plain F1; nothing found is 0
  assert.equal(evenMixF1({ tp: 3, fn: 1, fp: 0, tn: 0 }), outcome(3, 1, 0, 0))
  assert.equal(evenMixF1({ tp: 0, fn: 4, fp: 1, tn: 3 }), 0)
})
