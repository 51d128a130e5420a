/**
 * Selection algorithms with long work report progress: each stage's counts only go up, never pass
 * the total, and reach it. (random and weak-labels do no long work and report nothing.)
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { loadSpeechEmbeddings, type SpeechEmbeddings } from '../src/speech/embeddings.js'
import { readSampleIdsYaml } from '../src/speech/sample-ids.js'
import { SPEECH_SELECTIONS } from '../src/speech/select/load-algorithm.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { generateVisionBenchmark, VISION_LAYOUT } from '../src/synth/vision.js'
import { runVisionSelection, VISION_SELECTORS } from '../src/vision/select/index.js'
import { loadVisionSetup, type VisionSetup } from '../src/vision/setup.js'
import { tempFolder } from './helpers/temp-folder.js'

type Event = [stage: string, done: number, total: number]

function assertWellFormed(name: string, events: Event[]): void {
  assert.ok(events.length > 0, `${name} reported no progress`)
  const stages = new Map<string, Event[]>()
  for (const e of events) stages.set(e[0], [...(stages.get(e[0]) ?? []), e])
  for (const [stage, list] of stages) {
    for (let i = 0; i < list.length; i++) {
      const [, done, total] = list[i]!
      assert.ok(done >= 0 && done <= total, `${name} / ${stage}: ${done} of ${total}`)
      if (i > 0) assert.ok(done >= list[i - 1]![1], `${name} / ${stage}: went back from ${list[i - 1]![1]} to ${done}`)
    }
    const [, done, total] = list[list.length - 1]!
    assert.equal(done, total, `${name} / ${stage} ends at ${done} of ${total}`)
  }
}

let visionSetup: VisionSetup
let speechPool: SpeechEmbeddings

before(async () => {
  const work = tempFolder('progress')
  generateVisionBenchmark({ out: join(work, 'vision'), seed: 4, poolSize: 3000 })
  visionSetup = loadVisionSetup(join(work, 'vision', VISION_LAYOUT.setup))
  // small: the reports' shape is checked, not the selections (the baseline's 100 fits at scale 0.2 took 12 s)
  generateSpeechBenchmark({ out: join(work, 'speech'), languages: ['en'], seed: 4, scale: 0.1 })
  const dir = join(work, 'speech/dataperf_en_data')
  speechPool = await loadSpeechEmbeddings(
    readSampleIdsYaml(join(dir, 'allowed_training_set.yaml')),
    join(dir, 'train_embeddings'),
    { idsFile: 'allowed' },
  )
})

for (const algorithm of Object.keys(VISION_SELECTORS).filter((a) => a !== 'random' && a !== 'weak-labels')) {
  test(`vision ${algorithm} reports progress`, async () => {
    const events: Event[] = []
    await runVisionSelection(visionSetup, algorithm, {
      task: 'Hawk',
      budget: 300,
      seed: 0,
      onProgress: (stage, done, total) => events.push([stage, done, total]),
    })
    assertWellFormed(algorithm, events)
  })
}

for (const name of Object.keys(SPEECH_SELECTIONS).filter((a) => a !== 'random')) {
  test(`speech ${name} reports progress`, async () => {
    const events: Event[] = []
    const selection = new SPEECH_SELECTIONS[name]!.cls({
      allowedEmbeddings: speechPool,
      trainSize: 25,
      config: {},
      audioFlag: false,
      onProgress: (stage, done, total) => events.push([stage, done, total]),
    })
    await selection.select()
    assertWellFormed(name, events)
  })
}
