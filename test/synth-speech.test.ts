/**
 * `dataperf generate speech` writes the official speech layout (per language: one parquet per
 * word, allowed_training_set.yaml, eval.yaml; the config beside the data folder), deterministically
 * by seed and independently per language. Real files, read back with our reader and with DuckDB.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { DuckDBInstance } from '@duckdb/node-api'
import { SPEECH_DIM, SPEECH_LANGUAGE_CODES, SPEECH_LAYOUT, type SpeechLanguageCode } from '../src/speech/layout.js'
import {
  generateSpeechBenchmark,
  SPEECH_NONTARGET_WORDS,
  SPEECH_TARGET_WORDS,
  type GeneratedSpeech,
} from '../src/synth/speech.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { UserError } from '../src/errors.js'
import { runCli } from './helpers/cli.js'
import { officialFixture } from './helpers/paths.js'
import { tempFolder } from './helpers/temp-folder.js'

const SCALE = 0.04
const SEED = 3
let base: string
let full: GeneratedSpeech
const dataDir = (name: string) => join(base, name, 'data')

interface SampleSet {
  targets: Record<string, string[]>
  nontargets: string[]
}

function readSet(path: string): SampleSet {
  return parse(readFileSync(path, 'utf8')) as SampleSet
}

/** sha256 of every file under `dir`, by relative path. */
function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'))
    }
  }
  walk(dir)
  return out
}

const keywordOf = (id: string) => id.split('/')[0]!

before(() => {
  base = tempFolder('synth-speech')
  full = generateSpeechBenchmark({ out: dataDir('a'), seed: SEED, scale: SCALE })
  generateSpeechBenchmark({ out: dataDir('b'), seed: SEED, scale: SCALE })
  generateSpeechBenchmark({ out: dataDir('c'), seed: SEED + 1, scale: SCALE })
  generateSpeechBenchmark({ out: dataDir('pt-only'), seed: SEED, scale: SCALE, languages: ['pt'] })
})

test('word lists: five ASCII targets, about 100 training and 40 unseen eval nontarget keywords, all distinct', () => {
  for (const l of SPEECH_LANGUAGE_CODES) {
    const targets = SPEECH_TARGET_WORDS[l],
      { train, eval: unseen } = SPEECH_NONTARGET_WORDS[l]
    assert.equal(targets.length, 5)
    assert.ok(train.length >= 90 && train.length <= 110, `${l}: ${train.length} training keywords`)
    assert.ok(unseen.length >= 35 && unseen.length <= 45, `${l}: ${unseen.length} eval keywords`)
    const all = [...targets, ...train, ...unseen]
    assert.equal(new Set(all).size, all.length, `${l}: a word appears twice`)
    for (const w of all) assert.match(w, /^[a-z]+$/)
  }
})

test('layout: language folders, official file names and YAML keys, the official config beside the data folder', () => {
  assert.deepEqual(
    readdirSync(dataDir('a')).sort(),
    SPEECH_LANGUAGE_CODES.map((l) => `dataperf_${l}_data`),
  )
  assert.deepEqual(
    readFileSync(join(base, 'a', 'dataperf_speech_config.yaml'), 'utf8'),
    readFileSync(officialFixture('speech/dataperf_speech_config.yaml'), 'utf8'),
  )
  assert.equal(full.config.written, true)
  assert.deepEqual(
    full.languages.map((s) => s.language),
    [...SPEECH_LANGUAGE_CODES],
  )
  for (const summary of full.languages) {
    const root = join(dataDir('a'), summary.folder)
    assert.deepEqual(readdirSync(root).sort(), [
      SPEECH_LAYOUT.marker,
      'allowed_training_set.yaml',
      'eval.yaml',
      'eval_embeddings',
      'train_embeddings',
    ])
    const targets = [...SPEECH_TARGET_WORDS[summary.language]].sort()
    for (const [file, sub] of [
      ['allowed_training_set.yaml', 'train_embeddings'],
      ['eval.yaml', 'eval_embeddings'],
    ] as const) {
      const set = readSet(join(root, file))
      assert.deepEqual(Object.keys(set), ['targets', 'nontargets'])
      assert.deepEqual(Object.keys(set.targets), targets)
      const keywords = [...new Set(set.nontargets.map(keywordOf))]
      const expectedFiles = [...targets, ...keywords].map((k) => `${k}.parquet`).sort()
      assert.deepEqual(readdirSync(join(root, sub)).sort(), expectedFiles, `${summary.language} ${sub}`)
      const isTrain = sub === 'train_embeddings'
      assert.equal(keywords.length, isTrain ? summary.nontargetKeywords.train : summary.nontargetKeywords.eval)
      assert.equal(set.nontargets.length, isTrain ? summary.nontargetClips.train : summary.nontargetClips.eval)
      for (const t of summary.targets) assert.equal(set.targets[t.word]!.length, isTrain ? t.train : t.eval)
    }
  }
})

test('every clip ID of the YAMLs is in exactly its parquet file and vice versa; vectors are 1024 finite non-negative floats', async () => {
  for (const l of SPEECH_LANGUAGE_CODES) {
    const root = join(dataDir('a'), `dataperf_${l}_data`)
    const seen = new Set<string>()
    for (const [file, sub] of [
      ['allowed_training_set.yaml', 'train_embeddings'],
      ['eval.yaml', 'eval_embeddings'],
    ] as const) {
      const set = readSet(join(root, file))
      const byKeyword = new Map<string, string[]>(Object.entries(set.targets))
      for (const id of set.nontargets) {
        if (!byKeyword.has(keywordOf(id))) byKeyword.set(keywordOf(id), [])
        byKeyword.get(keywordOf(id))!.push(id)
      }
      for (const [keyword, ids] of byKeyword) {
        const pf = await ParquetFile.open(join(root, sub, `${keyword}.parquet`))
        try {
          assert.deepEqual(pf.columnNames, ['clip_id', 'mswc_embedding_vector'])
          assert.equal(pf.column('mswc_embedding_vector')!.physicalType, 'FLOAT')
          const inFile = (await pf.readScalars('clip_id')).map(String)
          assert.deepEqual([...inFile].sort(), [...ids].sort(), `${l} ${sub}/${keyword}.parquet`)
          for (const id of inFile) {
            assert.match(id, new RegExp(`^${keyword}/common_voice_${l}_\\d{5,8}\\.wav$`))
            assert.ok(!seen.has(id), `${id} appears twice`)
            seen.add(id)
          }
          const v = await pf.readVectors('mswc_embedding_vector', { dim: SPEECH_DIM })
          assert.equal(v.rows, inFile.length)
          assert.ok(v.data instanceof Float32Array)
          for (let i = 0; i < v.data.length; i++) {
            const x: number = v.data[i]!
            if (!(Number.isFinite(x) && x >= 0)) assert.fail(`${keyword}.parquet: value ${x} at ${i}`)
          }
        } finally {
          await pf.close()
        }
      }
    }
  }
})

test('embeddings look like ReLU features (sparse-ish, mostly 0-5) and the words are learnable', async () => {
  const root = join(dataDir('a'), 'dataperf_en_data')
  const words = [...SPEECH_TARGET_WORDS.en].sort()
  const read = async (sub: string, w: string) => {
    const pf = await ParquetFile.open(join(root, sub, `${w}.parquet`))
    try {
      return await pf.readVectors('mswc_embedding_vector', { dim: SPEECH_DIM })
    } finally {
      await pf.close()
    }
  }
  const centroids: Float64Array[] = []
  let zeros = 0,
    big = 0,
    total = 0
  for (const w of words) {
    const v = await read('train_embeddings', w)
    const m = new Float64Array(SPEECH_DIM)
    for (let i = 0; i < v.data.length; i++) {
      const x: number = v.data[i]!
      m[i % SPEECH_DIM]! += x / v.rows
      if (x === 0) zeros++
      if (x > 5) big++
      total++
    }
    centroids.push(m)
  }
  assert.ok(zeros / total > 0.4 && zeros / total < 0.85, `zero share ${zeros / total}`)
  assert.ok(big / total < 0.02, `share above 5: ${big / total}`)
  // nearest training centroid: far better than chance (0.2) on the eval clips of the targets
  let right = 0,
    clips = 0
  for (let t = 0; t < words.length; t++) {
    const v = await read('eval_embeddings', words[t]!)
    for (let r = 0; r < v.rows; r++) {
      const x = v.data.subarray(r * SPEECH_DIM, (r + 1) * SPEECH_DIM)
      const d = centroids.map((c) => c.reduce((s, ci, i) => s + (ci - x[i]!) ** 2, 0))
      if (d.indexOf(Math.min(...d)) === t) right++
      clips++
    }
  }
  assert.ok(right / clips > 0.6, `nearest-centroid accuracy ${right / clips}`)
})

test('eval nontarget keywords are unseen: disjoint from the training keywords and the targets', () => {
  for (const l of SPEECH_LANGUAGE_CODES) {
    const root = join(dataDir('a'), `dataperf_${l}_data`)
    const train = new Set(readSet(join(root, 'allowed_training_set.yaml')).nontargets.map(keywordOf))
    const unseen = new Set(readSet(join(root, 'eval.yaml')).nontargets.map(keywordOf))
    assert.ok(train.size >= 3 && unseen.size >= 3)
    for (const k of unseen) {
      assert.ok(!train.has(k), `${l}: ${k} in both`)
      assert.ok(!SPEECH_TARGET_WORDS[l].includes(k))
    }
    for (const k of train) assert.ok(!SPEECH_TARGET_WORDS[l].includes(k))
  }
})

test('deterministic by seed: byte-identical files for the same seed, different ones for another', () => {
  const a = hashes(base + '/a'),
    b = hashes(base + '/b'),
    c = hashes(base + '/c')
  assert.ok(a.size > 40)
  assert.deepEqual(b, a)
  let differing = 0,
    parquet = 0
  for (const [path, h] of a) {
    if (!path.endsWith('.parquet')) continue
    parquet++
    if (c.has(path) && c.get(path) !== h) differing++
  }
  // the nontarget keywords are the same at the same scale; every file's clips differ
  assert.equal(differing, parquet)
  assert.notEqual(c.get('data/dataperf_en_data/eval.yaml'), a.get('data/dataperf_en_data/eval.yaml'))
})

test('a language generated alone equals the same language generated with the others', () => {
  const alone = hashes(join(dataDir('pt-only'), 'dataperf_pt_data'))
  assert.deepEqual(alone, hashes(join(dataDir('a'), 'dataperf_pt_data')))
  assert.deepEqual(readdirSync(dataDir('pt-only')), ['dataperf_pt_data'])
})

test('DuckDB reads the generated parquet files: columns, types, 1024-long non-negative vectors, the same values', async () => {
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  try {
    const root = join(dataDir('a'), 'dataperf_id_data')
    const glob = join(root, 'train_embeddings', '*.parquet')
    const [row] = (
      await conn.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, min(len(mswc_embedding_vector))::INTEGER AS lo, max(len(mswc_embedding_vector))::INTEGER AS hi,
              min(list_min(mswc_embedding_vector))::DOUBLE AS vmin, count(DISTINCT clip_id)::INTEGER AS ids,
              any_value(typeof(mswc_embedding_vector)) AS type, any_value(typeof(clip_id)) AS idtype
       FROM read_parquet('${glob}')`,
      )
    ).getRowObjectsJS()
    const set = readSet(join(root, 'allowed_training_set.yaml'))
    const listed = Object.values(set.targets).flat().length + set.nontargets.length
    assert.deepEqual(row, {
      n: listed,
      lo: SPEECH_DIM,
      hi: SPEECH_DIM,
      vmin: 0,
      ids: listed,
      type: 'FLOAT[]',
      idtype: 'VARCHAR',
    })

    const file = join(root, 'eval_embeddings', 'pagi.parquet')
    const rows = (
      await conn.runAndReadAll(`SELECT clip_id, mswc_embedding_vector AS v FROM read_parquet('${file}')`)
    ).getRowObjectsJS()
    const pf = await ParquetFile.open(file)
    const ids = (await pf.readScalars('clip_id')).map(String)
    const v = await pf.readVectors('mswc_embedding_vector', { dim: SPEECH_DIM })
    await pf.close()
    assert.deepEqual(
      rows.map((r) => r.clip_id),
      ids,
    )
    rows.forEach((r, i) => assert.deepEqual(r.v, Array.from(v.data.subarray(i * SPEECH_DIM, (i + 1) * SPEECH_DIM))))
  } finally {
    conn.closeSync()
  }
})

test('CLI: generate speech writes the same files as the library, keeps an existing config, rejects unknown languages', () => {
  const cwd = join(base, 'cli')
  mkdirSync(cwd)
  const r = runCli(
    [
      'generate',
      'speech',
      '--out',
      'workspace/data',
      '--languages',
      'id',
      '--seed',
      String(SEED),
      '--scale',
      String(SCALE),
    ],
    cwd,
  )
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^Wrote workspace\/data\/dataperf_id_data: targets \(train\/eval clips\) bahasa \d+\/\d+, /)
  assert.match(r.stdout, /Wrote workspace\/dataperf_speech_config\.yaml\n$/)
  assert.deepEqual(hashes(join(cwd, 'workspace/data/dataperf_id_data')), hashes(join(dataDir('a'), 'dataperf_id_data')))

  // a second run replaces its own folder and leaves the config alone
  writeFileSync(join(cwd, 'workspace/dataperf_speech_config.yaml'), 'selection_random_seed: 1\n')
  const again = runCli(
    [
      'generate',
      'speech',
      '--out',
      'workspace/data',
      '--languages',
      'id',
      '--seed',
      String(SEED),
      '--scale',
      String(SCALE),
    ],
    cwd,
  )
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /Note: kept the existing workspace\/dataperf_speech_config\.yaml/)
  assert.equal(readFileSync(join(cwd, 'workspace/dataperf_speech_config.yaml'), 'utf8'), 'selection_random_seed: 1\n')
  assert.deepEqual(hashes(join(cwd, 'workspace/data/dataperf_id_data')), hashes(join(dataDir('a'), 'dataperf_id_data')))
  assert.deepEqual(readdirSync(join(cwd, 'workspace/data')), ['dataperf_id_data'])

  const bad = runCli(['generate', 'speech', '--out', 'elsewhere', '--languages', 'en,fr'], cwd)
  assert.equal(bad.code, 2)
  assert.equal(bad.stderr, "dataperf: error: unsupported language 'fr'; supported languages: en, id, pt\n")
  assert.equal(existsSync(join(cwd, 'elsewhere')), false)

  // a folder this generator did not write (a real download, say) is never replaced
  mkdirSync(join(cwd, 'real/dataperf_en_data'), { recursive: true })
  writeFileSync(join(cwd, 'real/dataperf_en_data/eval.yaml'), 'targets: {}\nnontargets: []\n')
  const refused = runCli(['generate', 'speech', '--out', 'real', '--languages', 'en', '--scale', String(SCALE)], cwd)
  assert.equal(refused.code, 2)
  assert.match(
    refused.stderr,
    /^dataperf: error: real\/dataperf_en_data exists and was not written by `dataperf generate speech`; remove it or choose another --out\n$/,
  )
  assert.equal(readFileSync(join(cwd, 'real/dataperf_en_data/eval.yaml'), 'utf8'), 'targets: {}\nnontargets: []\n')
})

test('library: an unsupported language is a UserError naming the supported ones', () => {
  assert.throws(
    () => generateSpeechBenchmark({ out: join(base, 'bad'), languages: ['de' as SpeechLanguageCode] }),
    (err: unknown) =>
      err instanceof UserError && err.message === "unsupported language 'de'; supported languages: en, id, pt",
  )
  assert.equal(existsSync(join(base, 'bad')), false)
})
