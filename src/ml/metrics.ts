/**
 * Classification metrics with scikit-learn's definitions (sklearn.metrics 1.2.1).
 * Undefined ratios (zero division) are 0.0, as sklearn returns them (with a warning).
 */

export interface BinaryMetrics {
  accuracy: number
  recall: number
  precision: number
  f1: number
}

/** The confusion counts of 0/1 labels (1 is the positive class). */
export interface ConfusionCounts {
  tp: number
  fp: number
  fn: number
  tn: number
}

export function confusionCounts(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): ConfusionCounts {
  if (yTrue.length !== yPred.length)
    throw new Error(`label arrays differ in length: ${yTrue.length} vs ${yPred.length}`)
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 }
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === 1,
      p = yPred[i] === 1
    if (t) {
      if (p) c.tp++
      else c.fn++
    } else if (p) c.fp++
    else c.tn++
  }
  return c
}

/** accuracy_score, recall_score, precision_score, f1_score with pos_label=1 on 0/1 labels. */
export function binaryMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): BinaryMetrics {
  const { tp, fp, fn, tn } = confusionCounts(yTrue, yPred)
  return {
    accuracy: yTrue.length === 0 ? 0 : (tp + tn) / yTrue.length,
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    f1: fScore(tp, fp, fn),
  }
}

/**
 * sklearn 1.2.1's F1 from counts, with its exact floating-point steps: precision and recall
 * first (0 on zero division), then (1 + 1) * precision * recall / (precision + recall).
 */
export function fScore(tp: number, fp: number, fn: number): number {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp)
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn)
  const denom = precision + recall
  return (2 * precision * recall) / (denom === 0 ? 1 : denom)
}

/**
 * f1_score(y_true, y_pred, average="macro"): the unweighted mean of per-class F1 over the
 * sorted union of labels present in y_true and y_pred.
 */
export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return macroF1Weighted(yTrue, yPred, () => 1)
}

/**
 * Macro F1 as if every true class were equally frequent: each row counts 1 / (rows of its true
 * class) in the confusion counts. A held-out set whose class mix is not the eval set's (a pool has
 * few nontarget clips; eval sets range from target-heavy to nontarget-heavy) then scores as the
 * class-neutral mix that macro F1, which weighs classes equally, implies.
 */
export function classBalancedMacroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const size = new Map<number, number>()
  for (let i = 0; i < yTrue.length; i++) size.set(yTrue[i]!, (size.get(yTrue[i]!) ?? 0) + 1)
  return macroF1Weighted(yTrue, yPred, (label) => 1 / size.get(label)!)
}

/** Macro F1 from confusion counts in which a row of true class t counts weight(t). */
function macroF1Weighted(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  weight: (trueLabel: number) => number,
): number {
  if (yTrue.length !== yPred.length)
    throw new Error(`label arrays differ in length: ${yTrue.length} vs ${yPred.length}`)
  const counts = new Map<number, { tp: number; fp: number; fn: number }>()
  const get = (label: number) => {
    let c = counts.get(label)
    if (!c) counts.set(label, (c = { tp: 0, fp: 0, fn: 0 }))
    return c
  }
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!,
      p = yPred[i]!,
      w = weight(t)
    if (t === p) get(t).tp += w
    else {
      get(t).fn += w
      get(p).fp += w
    }
  }
  if (counts.size === 0) return 0
  // Sum in sorted label order, as numpy does, so the last bit matches too.
  let sum = 0
  for (const label of [...counts.keys()].sort((a, b) => a - b)) {
    const { tp, fp, fn } = counts.get(label)!
    sum += fScore(tp, fp, fn)
  }
  return sum / counts.size
}
