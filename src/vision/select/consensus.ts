/**
 * Our method: the winner's core sets (fpscv: human-labelled positives, farthest-point-sampled
 * negatives, a share of them and the human negatives on or off), chosen by a steadier and less
 * biased cross-validation than fpscv's own.
 *
 * fpscv picks its choice by F1 on one split of the human labels into folds. Two things make that
 * pick a poor guide to the test score:
 * - Noise: a fold holds a few tens of images (often only a handful of negatives), so one split's
 *   F1 turns on a few images. Consensus scores every choice on several splits (the first is
 *   fpscv's own, so its F1 is reused) and takes the mean.
 * - Class mix: which pool images got human verifications (not the test sets) decides the held-out
 *   labels' mix, and the more positives a fold holds the more F1 rewards calling images positive
 *   (with few verified negatives, a choice that takes too few negatives scores well). Consensus
 *   scores a fold by F1 at an even class mix (from the true and false positive rates:
 *   2 TPR / (2 TPR + FNR + FPR)), so the pick does not follow the verification process's mix.
 *   An even mix is no estimate of a test set's mix (which is unknown): it is the mix that favours
 *   neither kind of error.
 * The choice with the best mean wins; ties keep fpscv's pick. With too few labels of a class to
 * score folds, the result is exactly fpscv's set, and the manifest says so.
 */
import { selectionInputs, toOutput } from './labelled-pool.js'
import {
  f1Of,
  FPS_CHOICES,
  FPSCV_FOLDS,
  foldCounts,
  fpsCrossValidation,
  heldOut,
  type Fold,
  type FoldCounts,
} from './fpscv.js'
import type { VisionSelectorInput, VisionSelectorOutput } from './types.js'

/**
 * Fold splits (the first is fpscv's). Not tuned to any data: more splits only make the estimate
 * less noisy, at the cost of fits; three cost about twice fpscv's selection time (the FPS points are shared).
 */
const REPEATS = 3
/** below this many labelled images of a class, a fold holds fewer than two of them on average and its rates say nothing */
const MIN_LABELS_PER_CLASS = 2 * FPSCV_FOLDS

export async function consensusSelection(input: VisionSelectorInput): Promise<VisionSelectorOutput> {
  const inputs = selectionInputs(input)
  const { d, rng, known, pool } = inputs
  const cv = await fpsCrossValidation(input, inputs)
  const describe = (c: typeof cv.best) => ({ fps_share: c.negativeShare, human_negatives: String(c.humanNegatives) })

  if (known.positives.length < MIN_LABELS_PER_CLASS || known.negatives.length < MIN_LABELS_PER_CLASS) {
    return {
      ...toOutput(input, cv.build(cv.best, cv.positives, known.negatives)),
      notes: [
        `consensus: ${known.positives.length} known positives and ${known.negatives.length} verified negatives for ${input.task}, too few to cross-validate at an even class mix (at least ${MIN_LABELS_PER_CLASS} of each); kept fpscv's set`,
      ],
      choices: { ...describe(cv.best), fpscv_choice: 'kept' },
    }
  }

  // scores[c]: choice c's even-mix F1 on every fold of every split
  const scores = cv.counts.map((perFold) => perFold.map(evenMixF1))
  const labelled = [...known.positives.map((r) => [r, 1] as const), ...known.negatives.map((r) => [r, 0] as const)]
  let done = 0
  for (let rep = 1; rep < REPEATS; rep++) {
    rng.shuffle(labelled)
    const folds: Fold[] = Array.from({ length: FPSCV_FOLDS }, (_, f) =>
      labelled.filter((_, i) => i % FPSCV_FOLDS === f),
    )
    FPS_CHOICES.forEach((choice, c) => {
      for (const test of folds)
        scores[c]!.push(
          evenMixF1(foldCounts(pool, d, heldOut(cv.build, choice, cv.positives, known.negatives, test), test)),
        )
      input.onProgress('cross-validating on more splits', ++done, (REPEATS - 1) * FPS_CHOICES.length)
    })
  }
  const mean = scores.map((s) => s.reduce((a, x) => a + x, 0) / s.length)
  let best = FPS_CHOICES.indexOf(cv.best)
  mean.forEach((m, c) => {
    if (m > mean[best]! + 1e-12) best = c
  })
  const choice = FPS_CHOICES[best]!
  return {
    ...toOutput(input, cv.build(choice, cv.positives, known.negatives)),
    choices: {
      ...describe(choice),
      fpscv_choice: choice === cv.best ? 'kept' : `${cv.best.negativeShare}/${cv.best.humanNegatives}`,
      cv_even_mix_f1: Number(mean[best]!.toFixed(4)),
    },
  }
}

/** F1 at an even class mix: precision from the true and false positive rates, so the fold's mix does not weigh in. */
export function evenMixF1(c: FoldCounts): number {
  const positives = c.tp + c.fn,
    negatives = c.fp + c.tn
  if (negatives === 0 || positives === 0) return f1Of(c)
  const tpr = c.tp / positives,
    fpr = c.fp / negatives
  return tpr === 0 ? 0 : (2 * tpr) / (2 * tpr + (1 - tpr) + fpr)
}
