/** `dataperf doctor` says what is fine and what is wrong (with a fix), and exits 1 on errors. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { stringify } from 'yaml'
import { generateVisionBenchmark, VISION_LAYOUT } from '../src/synth/vision.js'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { runCli } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

test('doctor on a vision folder: fine when generated, specific errors when broken', () => {
  const dir = tempFolder('doctor-v')
  generateVisionBenchmark({ out: dir, seed: 2, poolSize: 2000 })
  const good = runCli(['doctor', dir])
  assert.equal(good.code, 0, good.stdout + good.stderr)
  assert.match(good.stdout, /vision data/)
  assert.match(good.stdout, /ok\s+embeddings\/train_emb_256_dataperf\.parquet: 2000 rows x 256/)
  assert.match(good.stdout, /WARN\s+train_sets\/Hawk\.csv: training set for Hawk not created yet/)
  assert.match(good.stdout, /0 error\(s\)/)

  writeFileSync(
    join(dir, VISION_LAYOUT.trainSet('Hawk')),
    'ImageID,Confidence\nffff000011112222,1\n0000aaaa0000bbbb,0\n',
  )
  rmSync(join(dir, VISION_LAYOUT.testSet('Sushi')))
  const bad = runCli(['doctor', '--track', 'vision', dir])
  assert.equal(bad.code, 1)
  assert.match(
    bad.stdout,
    /ERROR .*Hawk\.csv: ImageIDs not in the candidate pool embeddings\/train_emb_256_dataperf\.parquet: ffff000011112222, 0000aaaa0000bbbb/,
  )
  assert.match(bad.stdout, /ERROR .*alpha_test_set_Sushi_256\.parquet: cannot open parquet file \(ENOENT\)\n\s+fix: /)
  assert.match(bad.stdout, /2 error\(s\)/)
})

test('doctor on a speech folder: layout, YAML/parquet consistency, vector length', () => {
  const ws = tempFolder('doctor-s')
  const data = join(ws, 'data')
  const root = join(data, 'dataperf_en_data')
  const table = (path: string, ids: string[], dim = 1024) =>
    writeVectorTable(path, {
      rows: ids.length,
      dim,
      leading: [{ name: 'clip_id', type: 'STRING', value: (r) => ids[r]! }],
      vectorColumn: 'mswc_embedding_vector',
      vectors: (s, e) => new Float32Array((e - s) * dim).fill(0.25),
    })
  for (const sub of ['train', 'eval']) {
    table(join(root, `${sub}_embeddings/yes.parquet`), [
      `yes/common_voice_en_1${sub}.wav`,
      `yes/common_voice_en_2${sub}.wav`,
    ])
    table(join(root, `${sub}_embeddings/cat.parquet`), [`cat/common_voice_en_3${sub}.wav`])
  }
  const set = (sub: string) => ({
    targets: { yes: [`yes/common_voice_en_1${sub}.wav`, `yes/common_voice_en_2${sub}.wav`] },
    nontargets: [`cat/common_voice_en_3${sub}.wav`],
  })
  // YAML 1.1, as PyYAML (and the official tools) read it: the word yes must be quoted
  writeFileSync(join(root, 'allowed_training_set.yaml'), stringify(set('train'), { version: '1.1' }))
  writeFileSync(join(root, 'eval.yaml'), stringify(set('eval'), { version: '1.1' }))
  writeFileSync(
    join(ws, 'dataperf_speech_config.yaml'),
    'selection_random_seed: 0\neval_random_seeds: [5, 69]\nselection_algorithm_module: random\nselection_algorithm_class: RandomSelection\n',
  )
  const good = runCli(['doctor', data])
  assert.equal(good.code, 0, good.stdout + good.stderr)
  assert.match(good.stdout, /speech data/)
  assert.match(good.stdout, /0 error\(s\), 0 warning\(s\)/)

  table(
    join(root, 'eval_embeddings/yes.parquet'),
    [`yes/common_voice_en_1eval.wav`, `yes/common_voice_en_2eval.wav`],
    512,
  )
  rmSync(join(root, 'train_embeddings/cat.parquet'))
  mkdirSync(join(root, 'extra'))
  const bad = runCli(['doctor', data])
  assert.equal(bad.code, 1)
  assert.match(
    bad.stdout,
    /ERROR .*train_embeddings\/cat\.parquet: missing; allowed_training_set\.yaml lists 1 clip\(s\) of 'cat'/,
  )
  assert.match(bad.stdout, /ERROR .*eval_embeddings\/yes\.parquet: .*has 512 values, expected 1024/)
})

test('doctor (issue 13 item 8): a folder as the pool and a link loop are named; results_dir outside the data folder is reported', () => {
  const dir = tempFolder('doctor-v8')
  generateVisionBenchmark({ out: dir, seed: 2, poolSize: 1000 })
  rmSync(join(dir, VISION_LAYOUT.pool))
  mkdirSync(join(dir, VISION_LAYOUT.pool))
  symlinkSync('Hawk.csv', join(dir, VISION_LAYOUT.trainSet('Hawk')) + '.tmp')
  renameSync(join(dir, VISION_LAYOUT.trainSet('Hawk')) + '.tmp', join(dir, VISION_LAYOUT.trainSet('Hawk'))) // Hawk.csv -> Hawk.csv
  const setup = join(dir, VISION_LAYOUT.setup)
  writeFileSync(setup, readFileSync(setup, 'utf8').replace(/^results_dir: .*$/m, 'results_dir: ../../elsewhere'))
  const r = runCli(['doctor', dir])
  assert.equal(r.code, 1)
  assert.match(
    r.stdout,
    new RegExp(
      `ERROR ${join(dir, VISION_LAYOUT.pool).replace(/[.]/g, '\\.')}: is a folder, expected a parquet file\\n`,
    ),
  )
  assert.match(r.stdout, /ERROR .*Hawk\.csv: cannot read file \(ELOOP\)/)
  assert.doesNotMatch(r.stdout, /Hawk\.csv: training set for Hawk not created yet/)
  assert.match(
    r.stdout,
    new RegExp(`WARN\\s+results_dir: results go to ${resolve(dir, '../../elsewhere')}, outside the data folder`),
  )
})

test('doctor (issue 13 item 8): speech config as eval reads it, train JSON files checked, a language folder accepted itself', () => {
  const ws = tempFolder('doctor-s8')
  generateSpeechBenchmark({ out: join(ws, 'data'), languages: ['en'], seed: 3, scale: 0.2 })
  const config = join(ws, 'dataperf_speech_config.yaml')
  writeFileSync(
    config,
    'selection_random_seed: 0\neval_random_seeds: []\nselection_algorithm_module: random\nselection_algorithm_class: RandomSelection\n',
  )
  writeFileSync(
    join(ws, 'en_25_train.json'),
    JSON.stringify({ targets: {}, nontargets: ['nope/common_voice_en_0.wav'] }),
  )
  for (const target of [join(ws, 'data'), join(ws, 'data', 'dataperf_en_data')]) {
    const r = runCli(['doctor', target])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stdout, /speech data/)
    assert.doesNotMatch(r.stdout, /no dataperf_\{lang\}_data folders/)
    assert.match(
      r.stdout,
      /ERROR .*dataperf_speech_config\.yaml: 'eval_random_seeds' must be a non-empty list of integers/,
    )
    assert.match(
      r.stdout,
      /ERROR .*en_25_train\.json: nontargets contain an ID not in allowed set: 'nope\/common_voice_en_0\.wav'/,
    )
    assert.match(r.stdout, /ok\s+.*dataperf_en_data\/allowed_training_set\.yaml/)
  }
})
