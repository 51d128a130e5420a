/**
 * The built-in speech selections' names, apart from their code: the CLI's help lists them at
 * start-up without loading the algorithms. load-algorithm.ts's registry must match (checked by its type).
 */
export const SPEECH_SELECTION_NAMES = ['baseline', 'random', 'cleanlab', 'coreset', 'kernel-herding'] as const
export type SpeechSelectionName = (typeof SPEECH_SELECTION_NAMES)[number]
