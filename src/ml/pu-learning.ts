/**
 * Learning from positive and unlabelled data (Elkan and Noto 2008, "Learning classifiers from only
 * positive and unlabeled data"). A classifier g trained to tell the labelled positives from the
 * unlabelled rows estimates g(x) = P(labelled | x). If the labelled positives are a random sample
 * of all positives, P(labelled | x) = c P(positive | x) with c = P(labelled | positive), the label
 * frequency, and c is the mean of g over labelled positives that g did not see in training.
 * An unlabelled row is then a positive with probability
 *   P(positive | x, unlabelled) = (1 - c) / c * g / (1 - g).
 */

/** The label frequency c: the mean of g over held-out labelled positives (NaN when there are none). */
export function labelFrequency(heldOutPositiveProbabilities: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < heldOutPositiveProbabilities.length; i++) sum += heldOutPositiveProbabilities[i]!
  return sum / heldOutPositiveProbabilities.length
}

/**
 * P(positive | x, unlabelled) of a row with g(x) = P(labelled | x), given the label frequency c:
 * (1 - c) / c * g / (1 - g), clipped to [0, 1] (g above c, which the model can give, would exceed 1).
 * c >= 1 means every positive is labelled, so no unlabelled row is one; g = 1 makes it certain.
 */
export function unlabelledPositiveProbability(g: number, c: number): number {
  if (!(c > 0)) return 1
  if (c >= 1 || g <= 0) return 0
  if (g >= 1) return 1
  return Math.min(1, ((1 - c) / c) * (g / (1 - g)))
}
