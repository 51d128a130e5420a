/**
 * dataperf as a library: `import { evaluateVision, evaluateSpeech, ... } from 'dataperf'`.
 * The same functions the CLI calls (and the server), typed; nothing here reads argv or prints.
 * Selection modules may also import only their track's interface from 'dataperf/speech' or 'dataperf/vision'.
 */

// errors: a UserError's message is one line naming the file, row or ID at fault
export { BugError, UserError } from './errors.js'

// readers
export { ParquetFile } from './io/parquet/reader.js'
export { parseCsv, readCsv, type CsvTable } from './io/csv.js'
export { parseYaml, readYamlFile } from './io/yaml.js'

// vision: layout, setup, the one validator, evaluation, selection interface
export * as visionLayout from './vision/layout.js'
export { loadVisionSetup, type VisionSetup, type VisionTaskPaths } from './vision/setup.js'
export {
  matchPool,
  parseTrainingSet,
  poolRowsFor,
  readTrainingSet,
  type PoolMatch,
  type VisionTrainingSet,
} from './vision/validate.js'
export {
  evaluateVision,
  evaluateVisionSets,
  readTestSet,
  type VisionEvaluateOptions,
  type TaskEvaluation,
} from './vision/evaluate.js'
export { runVisionEvaluation, type VisionEvalOutcome } from './vision/eval-job.js'
export { officialResults, type OfficialResults } from './vision/results.js'
export { readExampleSet, type ExampleSet } from './vision/metadata.js'
export {
  runVisionSelection,
  VISION_SELECTORS,
  writeTrainingCsv,
  type BuiltInVisionSelector,
} from './vision/select/index.js'
// one contract for the built-ins and a user's module (`vision select --algorithm my.ts`): handed its data, returns its set
export {
  defineVisionSelector,
  type VisionSelection,
  type VisionSelectionOptions,
  type VisionSelector,
  type VisionSelectorInput,
  type VisionSelectorOutput,
} from './vision/select/types.js'
export { validateVisionSelection } from './vision/validate.js'
export type { BinaryMetrics } from './ml/metrics.js'

// speech: layout, files, the one validator, evaluation, selection interface
export * as speechLayout from './speech/layout.js'
export { loadSpeechConfig, OFFICIAL_EVAL_SEEDS, type SpeechConfig } from './speech/config.js'
export { countSamples, readSampleIdsJson, readSampleIdsYaml, toSampleIds, type SampleIds } from './speech/sample-ids.js'
export { createDataset, loadSpeechEmbeddings, type SpeechClass, type SpeechEmbeddings } from './speech/embeddings.js'
export { validateSpeechSelection } from './speech/validate.js'
export { evaluateSpeech, type SpeechEvalOptions, type SpeechEvalResult } from './speech/evaluate.js'
export {
  runSpeechSelection,
  trainingSetJson,
  type SpeechSelectOptions,
  type SpeechSelectResult,
} from './speech/select-job.js'
export { SPEECH_SELECTIONS } from './speech/select/load-algorithm.js'
export {
  TrainingSetSelection,
  type SelectionClass,
  type SelectionInit,
  type SpeechTrainingSet,
} from './speech/select/types.js'

// generators (synthetic benchmarks in the official layouts)
export { generateVisionBenchmark, type GenerateVisionOptions } from './synth/vision.js'
export { generateSpeechBenchmark, type GenerateSpeechOptions } from './synth/speech.js'

export { VERSION } from './version.js'
