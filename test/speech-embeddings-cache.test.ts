/**
 * EmbeddingRowsCache (a server's scoring process keeps the training pool's rows between
 * submissions): loads through it give exactly what a plain load gives, whether the rows come from
 * the files or from the cache; a cached load reads no row from disk; a file replaced on disk is read
 * again; a tiny budget still gives the right rows; an ID missing from a cached file is still an error
 * naming the file.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, openSync, readFileSync, utimesSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { Rng } from '../src/ml/rng.js'
import { EmbeddingRowsCache, loadSpeechEmbeddings, type SpeechEmbeddings } from '../src/speech/embeddings.js'
import { CLIP_ID_COLUMN, EMBEDDING_COLUMN, SPEECH_DIM } from '../src/speech/layout.js'
import { readSampleIdsYaml, type SampleIds } from '../src/speech/sample-ids.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string
let dir: string
let allowed: SampleIds

before(() => {
  root = tempFolder('rows-cache')
  generateSpeechBenchmark({ out: join(root, 'data'), languages: ['en'], seed: 3, scale: 0.1 })
  dir = join(root, 'data/dataperf_en_data')
  allowed = readSampleIdsYaml(join(dir, 'allowed_training_set.yaml'))
})

/** a random selection of `perTarget` clips per target word and `nontargets` nontargets (one listed twice) */
function selection(seed: number, perTarget: number, nontargets: number): SampleIds {
  const rng = new Rng(seed)
  const pick = (ids: string[], n: number) => Array.from(rng.sampleIndices(ids.length, n), (i) => ids[i]!)
  const targets = new Map([...allowed.targets].map(([w, ids]) => [w, pick(ids, perTarget)] as const))
  const nt = pick(allowed.nontargets, nontargets)
  return { targets, nontargets: [...nt, nt[0]!] }
}

const load = (ids: SampleIds, cache?: EmbeddingRowsCache) =>
  loadSpeechEmbeddings(ids, join(dir, 'train_embeddings'), { idsFile: 'selection', ...(cache ? { cache } : {}) })

function assertSame(got: SpeechEmbeddings, want: SpeechEmbeddings): void {
  assert.deepEqual([...got.targets.keys()], [...want.targets.keys()])
  for (const [w, c] of want.targets) {
    assert.deepEqual(got.targets.get(w)!.ids, c.ids)
    assert.deepEqual(got.targets.get(w)!.vectors, c.vectors)
  }
  assert.deepEqual(got.nontargets.ids, want.nontargets.ids)
  assert.deepEqual(got.nontargets.vectors, want.nontargets.vectors)
}

test('loads through the cache equal plain loads, from the files and from the cache', async () => {
  const cache = new EmbeddingRowsCache()
  for (const seed of [1, 2, 1, 3, 2]) {
    const ids = selection(seed, 3, 12)
    assertSame(await load(ids, cache), await load(ids))
  }
  // a budget smaller than one file: no file is kept (each load reads only its rows), the rows stay right
  const tiny = new EmbeddingRowsCache(SPEECH_DIM * 4)
  for (const seed of [4, 4, 5]) {
    const ids = selection(seed, 2, 6)
    assertSame(await load(ids, tiny), await load(ids))
  }
})

/** Rewrites a training file with each clip's vector changed by `change` (all vectors, row-major). */
async function rewriteVectors(path: string, change: (all: Float32Array, rows: number) => Float32Array): Promise<void> {
  const file = await ParquetFile.open(path)
  const clipIds = (await file.readScalars(CLIP_ID_COLUMN)).map(String)
  const all = await file.readVectors(EMBEDDING_COLUMN, { dim: SPEECH_DIM })
  await file.close()
  const changed = change(Float32Array.from(all.data), clipIds.length)
  writeVectorTable(path, {
    rows: clipIds.length,
    leading: [{ name: CLIP_ID_COLUMN, type: 'STRING', value: (r) => clipIds[r]! }],
    vectorColumn: EMBEDDING_COLUMN,
    vectors: (s, e) => changed.subarray(s * SPEECH_DIM, e * SPEECH_DIM),
    dim: SPEECH_DIM,
  })
}

const negated = (all: Float32Array) => Float32Array.from(all, (v) => -v)

test('a cached load reads no row from disk: a file overwritten in place behind the same size and time still gives the cached rows', async (t) => {
  const ids = selection(9, 3, 6)
  const word = [...ids.targets.keys()][2]!
  const path = join(dir, 'train_embeddings', `${word}.parquet`)
  const time = 1_700_000_000 // whole seconds: the same time can be set again exactly
  utimesSync(path, time, time)
  const cache = new EmbeddingRowsCache()
  const first = await load(ids, cache)
  // zeros over the middle half of the file (its pages), written in place: the same size; the time set back
  const original = readFileSync(path)
  t.after(() => writeFileSync(path, original)) // back for the tests below, whatever happens here
  const fd = openSync(path, 'r+')
  writeSync(fd, new Uint8Array(original.length >> 1), 0, original.length >> 1, original.length >> 2)
  closeSync(fd)
  utimesSync(path, time, time)
  await assert.rejects(load(ids), 'a load from the file fails now')
  // the cache's stamp (size and time) still matches, so its rows are the ones it read the first time
  assertSame(await load(ids, cache), first)
})

test('a training file replaced on disk is read again', async () => {
  const cache = new EmbeddingRowsCache()
  const ids = selection(7, 4, 8)
  const before = await load(ids, cache)
  const word = [...ids.targets.keys()][0]!
  const path = join(dir, 'train_embeddings', `${word}.parquet`)
  await rewriteVectors(path, negated) // the same clips, every vector negated: same IDs, other numbers
  utimesSync(path, new Date(), new Date(Date.now() + 5000)) // a later time even on a coarse clock
  const after = await load(ids, cache)
  assertSame(after, await load(ids))
  assert.deepEqual(
    after.targets.get(word)!.vectors,
    Float32Array.from(before.targets.get(word)!.vectors, (v) => -v),
  )
})

test('an ID missing from a cached file is still an error naming the file', async () => {
  const cache = new EmbeddingRowsCache()
  const ids = selection(8, 2, 4)
  await load(ids, cache)
  const word = [...ids.targets.keys()][1]!
  ids.targets.set(word, [...ids.targets.get(word)!, 'en/nosuchword/clip_0.opus'])
  await assert.rejects(load(ids, cache), (err: Error) => {
    assert.match(err.message, new RegExp(`${word}\\.parquet: no clip_id 'en/nosuchword/clip_0.opus'`))
    return true
  })
})
