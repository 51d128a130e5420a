/**
 * The official random_selection.py: train_size // (targets + 1) clips per class, drawn with
 * Python's random.sample after random.seed(seed), targets in key order then nontargets. The
 * official file hard-codes seed 0; we take selection_random_seed, whose official default is 0.
 */
import { UserError } from '../../errors.js'
import { PythonRandom } from '../../ml/python-random.js'
import { TrainingSetSelection, type SpeechTrainingSet } from './types.js'

export class RandomSelection extends TrainingSetSelection {
  select(): SpeechTrainingSet {
    const random = new PythonRandom(this.randomSeed)
    const perClass = Math.floor(this.trainSetSize / (this.embeddings.targets.size + 1))
    const draw = (ids: string[], what: string): string[] => {
      if (perClass > ids.length)
        throw new UserError(
          `random selection: ${what} has ${ids.length} allowed clips, fewer than the ${perClass} per class that --train_size ${this.trainSetSize} asks for`,
        )
      return random.sample(ids, perClass)
    }
    const targets: Record<string, string[]> = {}
    for (const [word, cls] of this.embeddings.targets) targets[word] = draw(cls.ids, `target '${word}'`)
    return { targets, nontargets: draw(this.embeddings.nontargets.ids, 'nontarget') }
  }
}
