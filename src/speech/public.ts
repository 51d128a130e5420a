/** What a selection module may import: `import type { SelectionInit, SpeechTrainingSet } from 'dataperf/speech'`. */
export {
  TrainingSetSelection,
  type SelectionInit,
  type SpeechTrainingSet,
  type SelectionClass,
} from './select/types.js'
export type { SpeechClass, SpeechEmbeddings } from './embeddings.js'
export { RandomSelection } from './select/random.js'
export { BaselineSelection } from './select/baseline.js'
