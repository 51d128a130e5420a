/**
 * Speech parquet files from other writers score the same as ours: every train and eval file
 * rewritten by DuckDB (DOUBLE[] vectors with zstd, FLOAT[] uncompressed with small row groups),
 * and by our writer with pyarrow's older `list<item>` naming and double elements.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { evaluateSpeech } from '../src/speech/evaluate.js'
import { runSpeechSelection } from '../src/speech/select-job.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { tempFolder } from './helpers/temp-folder.js'

let base: string
let reference: number[]

const subdirs = ['train_embeddings', 'eval_embeddings']

async function scores(root: string): Promise<number[]> {
  const data = join(root, 'workspace/data/dataperf_en_data')
  const r = await evaluateSpeech({
    language: 'en',
    trainSize: 25,
    configFile: join(base, 'ours/workspace/dataperf_speech_config.yaml'),
    trainFile: join(base, 'ours/workspace/en_25_train.json'),
    allowedTrainingSet: join(data, 'allowed_training_set.yaml'),
    evalFile: join(data, 'eval.yaml'),
    trainEmbeddingsDir: join(data, 'train_embeddings'),
    evalEmbeddingsDir: join(data, 'eval_embeddings'),
  })
  return r.scores
}

before(async () => {
  base = tempFolder('speech-formats')
  const ours = join(base, 'ours')
  generateSpeechBenchmark({ out: join(ours, 'workspace/data'), languages: ['en'], seed: 5, scale: 0.15 })
  const data = join(ours, 'workspace/data/dataperf_en_data')
  await runSpeechSelection({
    language: 'en',
    trainSize: 25,
    algorithm: 'random',
    outdir: join(ours, 'workspace'),
    configFile: join(ours, 'workspace/dataperf_speech_config.yaml'),
    allowedTrainingSet: join(data, 'allowed_training_set.yaml'),
    trainEmbeddingsDir: join(data, 'train_embeddings'),
  })
  reference = await scores(ours)
})

async function rewriteWithDuckDb(name: string, vectorType: string, options: string): Promise<string> {
  const dir = join(base, name)
  cpSync(join(base, 'ours'), dir, { recursive: true })
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  for (const sub of subdirs) {
    const folder = join('workspace/data/dataperf_en_data', sub)
    for (const f of readdirSync(join(base, 'ours', folder))) {
      const select = `SELECT clip_id, mswc_embedding_vector::${vectorType} AS mswc_embedding_vector FROM read_parquet('${join(base, 'ours', folder, f)}')`
      await conn.run(`COPY (${select}) TO '${join(dir, folder, f)}' (FORMAT PARQUET${options})`)
    }
  }
  conn.closeSync()
  return dir
}

test('DuckDB DOUBLE[] vectors with zstd score the same, seed for seed', async () => {
  assert.deepEqual(await scores(await rewriteWithDuckDb('duck-double', 'DOUBLE[]', ', COMPRESSION zstd')), reference)
})

test('DuckDB FLOAT[] vectors, uncompressed, small row groups score the same', async () => {
  assert.deepEqual(
    await scores(await rewriteWithDuckDb('duck-float', 'FLOAT[]', ', COMPRESSION uncompressed, ROW_GROUP_SIZE 7')),
    reference,
  )
})

test('older pyarrow naming (list<item>) with double elements scores the same', async () => {
  const dir = join(base, 'item-double')
  cpSync(join(base, 'ours'), dir, { recursive: true })
  for (const sub of subdirs) {
    const folder = join(dir, 'workspace/data/dataperf_en_data', sub)
    for (const f of readdirSync(folder)) {
      const file = await ParquetFile.open(join(base, 'ours/workspace/data/dataperf_en_data', sub, f))
      const ids = (await file.readScalars('clip_id')).map(String)
      const v = await file.readVectors('mswc_embedding_vector', { dim: 1024 })
      await file.close()
      writeVectorTable(
        join(folder, f),
        {
          rows: ids.length,
          dim: 1024,
          elementType: 'DOUBLE',
          leading: [{ name: 'clip_id', type: 'STRING', value: (r) => ids[r]! }],
          vectorColumn: 'mswc_embedding_vector',
          vectors: (s, e) => Float64Array.from(v.data.subarray(s * 1024, e * 1024)),
        },
        { listElementName: 'item', codec: 'UNCOMPRESSED' },
      )
    }
  }
  assert.deepEqual(await scores(dir), reference)
})
