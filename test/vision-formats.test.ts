/**
 * `vision eval` reads the same benchmark written by other tools and gets the same scores:
 * DuckDB (float or double lists, v1 pages, dictionary encoding, zstd/gzip/uncompressed, small row
 * groups, integer labels), the older pyarrow list naming ('item'), and CSVs saved with CRLF and BOM.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { generateVisionBenchmark, VISION_CONCEPTS, VISION_LAYOUT } from '../src/synth/vision.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { writeCsv } from '../src/io/csv.js'
import { weakLabelBaseline } from '../src/vision/baseline.js'
import { evaluateVision } from '../src/vision/evaluate.js'
import { loadVisionSetup } from '../src/vision/setup.js'
import { readExampleSet } from '../src/vision/metadata.js'
import { readTrainingSet } from '../src/vision/training-set.js'
import { officialFixture } from './helpers/paths.js'
import { tempFolder } from './helpers/temp-folder.js'

let base: string
let reference: unknown

async function scores(dir: string) {
  return (await evaluateVision(loadVisionSetup(join(dir, VISION_LAYOUT.setup)))).map((e) => [e.task, e.metrics])
}

before(async () => {
  base = tempFolder('formats')
  const dir = join(base, 'ours')
  generateVisionBenchmark({ out: dir, seed: 5, poolSize: 3000 })
  const pool = await ParquetFile.open(join(dir, VISION_LAYOUT.pool))
  const ids = (await pool.readScalars('ImageID')).map(String)
  await pool.close()
  for (const c of VISION_CONCEPTS) {
    const set = await weakLabelBaseline(dir, c.name, ids, 600)
    writeCsv(
      join(dir, VISION_LAYOUT.trainSet(c.name)),
      ['ImageID', 'Confidence'],
      set.ids.map((id, i) => [id, set.labels[i]!]),
    )
  }
  reference = await scores(dir)
})

/** Copies our benchmark and rewrites every parquet file with DuckDB using `select` and `options`. */
async function rewriteWithDuckDb(
  name: string,
  vectorType: string,
  labelType: string,
  options: string,
): Promise<string> {
  const dir = join(base, name)
  cpSync(join(base, 'ours'), dir, { recursive: true })
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  const files = [VISION_LAYOUT.pool, ...VISION_CONCEPTS.map((c) => VISION_LAYOUT.testSet(c.name))]
  for (const f of files) {
    const src = join(base, 'ours', f)
    const hasLabel = f !== VISION_LAYOUT.pool
    const select = `SELECT ImageID, embedding::${vectorType} AS embedding${hasLabel ? `, Confidence::${labelType} AS Confidence` : ''} FROM read_parquet('${src}')`
    await conn.run(`COPY (${select}) TO '${join(dir, f)}' (FORMAT PARQUET${options})`)
  }
  conn.closeSync()
  return dir
}

test('DuckDB-written files with FLOAT[] vectors and integer labels score the same', async () => {
  const dir = await rewriteWithDuckDb('duck-float', 'FLOAT[]', 'INTEGER', '')
  assert.deepEqual(await scores(dir), reference)
})

test('DuckDB-written files with DOUBLE[] vectors and zstd score the same', async () => {
  const dir = await rewriteWithDuckDb('duck-double', 'DOUBLE[]', 'VARCHAR', ", COMPRESSION 'zstd', ROW_GROUP_SIZE 1000")
  const pool = await ParquetFile.open(join(dir, VISION_LAYOUT.pool))
  assert.equal(pool.column('embedding')!.physicalType, 'DOUBLE')
  await pool.close()
  assert.deepEqual(await scores(dir), reference)
})

test('DuckDB-written files, gzip and uncompressed, BIGINT labels score the same', async () => {
  assert.deepEqual(
    await scores(await rewriteWithDuckDb('duck-gzip', 'FLOAT[]', 'BIGINT', ", COMPRESSION 'gzip'")),
    reference,
  )
  assert.deepEqual(
    await scores(await rewriteWithDuckDb('duck-none', 'FLOAT[]', 'INTEGER', ", COMPRESSION 'uncompressed'")),
    reference,
  )
})

test('older pyarrow list naming (list<item>) and snappy pages score the same', async () => {
  const dir = join(base, 'item')
  cpSync(join(base, 'ours'), dir, { recursive: true })
  const pool = await ParquetFile.open(join(base, 'ours', VISION_LAYOUT.pool))
  const ids = (await pool.readScalars('ImageID')).map(String)
  const vectors = await pool.readVectors('embedding', { dim: 256 })
  await pool.close()
  writeVectorTable(
    join(dir, VISION_LAYOUT.pool),
    {
      rows: ids.length,
      dim: 256,
      leading: [{ name: 'ImageID', type: 'STRING', value: (r) => ids[r]! }],
      vectorColumn: 'embedding',
      vectors: (s, e) => vectors.data.subarray(s * 256, e * 256),
    },
    { listElementName: 'item', codec: 'SNAPPY', rowGroupSize: 700 },
  )
  assert.deepEqual(await scores(dir), reference)
})

test('training CSVs saved with a BOM and CRLF line endings score the same', async () => {
  const dir = join(base, 'crlf')
  cpSync(join(base, 'ours'), dir, { recursive: true })
  for (const c of VISION_CONCEPTS) {
    const path = join(dir, VISION_LAYOUT.trainSet(c.name))
    writeFileSync(path, '\ufeff' + readFileSync(path, 'utf8').replace(/\n/g, '\r\n'))
  }
  assert.deepEqual(await scores(dir), reference)
})

test('the official example-set and training-set templates parse', () => {
  const dir = join(base, 'official')
  mkdirSync(join(dir, 'examples'), { recursive: true })
  cpSync(officialFixture('vision/alpha_example_set_Hawk.csv'), join(dir, VISION_LAYOUT.exampleSet('Hawk')))
  const ex = readExampleSet(dir, 'Hawk')
  assert.equal(ex.labelName, '/m/0fp7c')
  assert.equal(ex.ids.length, 20)
  const template = readTrainingSet(officialFixture('vision/random_500.csv'))
  assert.equal(template.ids.length, 500)
  assert.equal(template.ids[0], '0002643773a76876')
})
