/**
 * The selection interface, as the official TrainingSetSelection: a class constructed with the
 * allowed embeddings, the size cap, the config and whether audio is loaded, whose select()
 * returns {targets: {word: [clip_id, ...]}, nontargets: [clip_id, ...]}. Embeddings come as one
 * typed matrix per class (`SpeechClass`), not one object per clip.
 */
import type { SpeechEmbeddings } from '../embeddings.js'
import type { Progress } from '../../progress.js'

export interface SpeechTrainingSet {
  targets: Record<string, string[]>
  nontargets: string[]
}

export interface SelectionInit {
  allowedEmbeddings: SpeechEmbeddings
  trainSize: number
  /** the parsed dataperf_speech_config.yaml */
  config: Record<string, unknown>
  audioFlag: boolean
  /** progress of long work (stage, done, total); the CLI draws it as a bar */
  onProgress?: Progress
}

/** Base class for selection algorithms; user classes may extend it or just have the same shape. */
export abstract class TrainingSetSelection {
  readonly embeddings: SpeechEmbeddings
  readonly trainSetSize: number
  readonly config: Record<string, unknown>
  readonly randomSeed: number
  readonly audioFlag: boolean
  /** reports progress of long work; a no-op unless the caller asked for it */
  readonly onProgress: Progress

  constructor(init: SelectionInit) {
    this.embeddings = init.allowedEmbeddings
    this.trainSetSize = init.trainSize
    this.config = init.config
    this.randomSeed =
      typeof init.config['selection_random_seed'] === 'number' ? init.config['selection_random_seed'] : 0
    this.audioFlag = init.audioFlag
    this.onProgress = init.onProgress ?? (() => {})
  }

  abstract select(): SpeechTrainingSet | Promise<SpeechTrainingSet>
}

export type SelectionClass = new (init: SelectionInit) => { select(): SpeechTrainingSet | Promise<SpeechTrainingSet> }
