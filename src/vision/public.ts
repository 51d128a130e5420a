/** What a vision selection module may import: `import { defineVisionSelector } from 'dataperf/vision'`. */
export {
  defineVisionSelector,
  type VisionSelector,
  type VisionSelectorInput,
  type VisionSelectorOutput,
} from './select/types.js'
