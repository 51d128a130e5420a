/**
 * One validator per track, the one `eval` uses: the vision validator reads uploaded bytes the
 * same as a file and scores the same; the speech validator refuses what eval refuses. And the
 * layout modules are the one place names live (the generator writes exactly those names).
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../src/errors.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { generateVisionBenchmark } from '../src/synth/vision.js'
import {
  defaultSpeechPaths,
  parseSpeechLanguages,
  SPEECH_DATA_PARTS,
  SPEECH_LAYOUT,
  speechDataPaths,
} from '../src/speech/layout.js'
import { readSampleIdsYaml, type SampleIds } from '../src/speech/sample-ids.js'
import { validateSpeechSelection } from '../src/speech/validate.js'
import { evaluateVision, evaluateVisionSets } from '../src/vision/evaluate.js'
import { ID_COLUMN, VISION_DATA_PARTS, VISION_LAYOUT } from '../src/vision/layout.js'
import { loadVisionSetup } from '../src/vision/setup.js'
import { matchPool, parseTrainingSet, readTrainingSet } from '../src/vision/validate.js'
import { tempFolder } from './helpers/temp-folder.js'

let base: string
before(() => {
  base = tempFolder('validate')
})

test('vision: an uploaded CSV (bytes) is validated and scored exactly as the file `vision eval` reads', async () => {
  const dir = join(base, 'vision')
  generateVisionBenchmark({ out: dir, seed: 4, poolSize: 1500 })
  for (const part of VISION_DATA_PARTS) assert.ok(existsSync(join(dir, part)), part)
  const setup = loadVisionSetup(join(dir, VISION_LAYOUT.setup))
  const pool = await ParquetFile.open(setup.embFile)
  const ids = (await pool.readScalars(ID_COLUMN)).map(String)
  await pool.close()
  const texts = setup.tasks.map(
    (_t, k) =>
      `ImageID,Confidence\n${ids
        .slice(k * 50, k * 50 + 60)
        .map((id, i) => `${id},${i % 4 === 0 ? 1 : 0}`)
        .join('\n')}\n`,
  )
  setup.tasks.forEach((t, k) => writeFileSync(t.trainCsv, texts[k]!))
  const fromFiles = await evaluateVision(setup)
  const fromBytes = await evaluateVisionSets(
    setup,
    setup.tasks.map((t, k) => parseTrainingSet(texts[k]!, `${t.name}.csv`)),
  )
  assert.deepEqual(fromBytes, fromFiles)
  assert.equal(fromFiles.length, 3)

  // the pool check names the upload and the unknown IDs
  const unknown = parseTrainingSet('ImageID,Confidence\nnot-an-id,1\nalso-not,0\n', 'Hawk.csv')
  const open = await ParquetFile.open(setup.embFile)
  try {
    await assert.rejects(
      matchPool(open, [readTrainingSet(setup.tasks[0]!.trainCsv), unknown]),
      (err: unknown) =>
        err instanceof UserError &&
        err.message === `Hawk.csv: ImageIDs not in the candidate pool ${setup.embFile}: not-an-id, also-not`,
    )
  } finally {
    await open.close()
  }
  // row rules apply to bytes as to files
  assert.throws(
    () => parseTrainingSet('ImageID,Confidence\na,1\na,0\n', 'Sushi.csv'),
    /^UserError: Sushi\.csv: duplicate ImageIDs: a \(lines 2 and 3\)$/,
  )
  assert.throws(() => parseTrainingSet('ImageID,Label\na,1\n', 'Sushi.csv'), /Sushi\.csv: missing column 'Confidence'/)
  assert.throws(() => parseTrainingSet('', 'Sushi.csv'), /Sushi\.csv: empty file/)
})

test('speech: the layout names what the generator writes, and the validator refuses what eval refuses', () => {
  const data = join(base, 'speech', 'data')
  generateSpeechBenchmark({ out: data, languages: parseSpeechLanguages('en, en'), seed: 1, scale: 0.1 })
  const folder = join(data, SPEECH_LAYOUT.languageDir('en'))
  for (const part of SPEECH_DATA_PARTS) assert.ok(existsSync(join(folder, part)), part)
  assert.ok(existsSync(join(base, 'speech', SPEECH_LAYOUT.config)))
  const paths = speechDataPaths(folder)
  assert.equal(paths.allowedTrainingSet, join(folder, 'allowed_training_set.yaml'))
  assert.equal(defaultSpeechPaths('pt', 60).trainFile, 'workspace/pt_60_train.json')
  assert.throws(
    () => parseSpeechLanguages('en,fr,xx'),
    /^UserError: unsupported languages 'fr', 'xx'; supported languages: en, id, pt$/,
  )

  const allowed = readSampleIdsYaml(paths.allowedTrainingSet)
  const words = [...allowed.targets.keys()]
  const pick = (n: number): SampleIds => ({
    targets: new Map(words.map((w) => [w, allowed.targets.get(w)!.slice(0, n)])),
    nontargets: allowed.nontargets.slice(0, n),
  })
  const files = { selected: 'sel.json', allowed: 'allowed.yaml' }
  validateSpeechSelection(pick(2), allowed, 25, files) // control: a valid selection passes
  const reject = (s: SampleIds, size: number, message: RegExp) =>
    assert.throws(
      () => validateSpeechSelection(s, allowed, size, files),
      (err: unknown) => err instanceof UserError && message.test(err.message),
    )
  reject(pick(5), 25, /^sel\.json: 30 samples exceeds limit of 25$/)
  const dup = pick(2)
  dup.nontargets.push(dup.nontargets[0]!)
  reject(dup, 25, /^sel\.json: clip '.*' is listed twice \(nontargets and nontargets\)/)
  const empty = pick(2)
  empty.targets.set(words[2]!, [])
  reject(empty, 25, new RegExp(`^sel\\.json: no clips selected for target '${words[2]}'`))
  const none = pick(2)
  none.nontargets = []
  reject(none, 25, /^sel\.json: no nontarget clips selected/)
  const foreign = pick(2)
  foreign.targets.set('zebra', ['zebra/x.wav'])
  reject(foreign, 25, /^sel\.json: target zebra not in allowed set/)
  const stranger = pick(2)
  stranger.targets.get(words[0]!)!.push('nope.wav')
  reject(stranger, 25, new RegExp(`^sel\\.json: ${words[0]} contains an ID not in allowed set: 'nope\\.wav'$`))
})
