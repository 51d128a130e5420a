/** What a vision selection module may import: `import { defineVisionSelector } from 'dataperf/vision'`. */
export {
  defineVisionSelector,
  type VisionSelectorInput,
  type VisionSelectorOutput,
  type VisionSelectorPlugin,
} from './select/plugin-api.js'
