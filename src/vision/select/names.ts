/**
 * The built-in vision selections' names, apart from their code: the CLI's help lists them at
 * start-up without loading the algorithms. index.ts's registry must match (checked by its type).
 */
export const VISION_SELECTOR_NAMES = [
  'random',
  'weak-labels',
  'centroid',
  'fpscv',
  'pseudolabel',
  'consensus',
  'pu-neighbourhood',
] as const
export type VisionSelectorName = (typeof VISION_SELECTOR_NAMES)[number]
