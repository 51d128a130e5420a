/**
 * Bad input to `dataperf vision eval`: one clear line naming the file and the row or ID,
 * a non-zero exit, no stack trace, and no results file.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateVisionBenchmark, VISION_LAYOUT } from '../src/synth/vision.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { DuckDBInstance } from '@duckdb/node-api'
import { runCli } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

let base: string
let poolIds: string[]

before(async () => {
  base = tempFolder('errors')
  generateVisionBenchmark({ out: join(base, 'bench'), seed: 3, poolSize: 2000 })
  const pool = await ParquetFile.open(join(base, 'bench', VISION_LAYOUT.pool))
  poolIds = (await pool.readScalars('ImageID')).map(String)
  await pool.close()
})

let counter = 0
/** A fresh copy of the benchmark with valid training sets for all three tasks. */
function freshCopy(): string {
  const dir = join(base, `case-${counter++}`)
  cpSync(join(base, 'bench'), dir, { recursive: true })
  for (const task of ['Cupcake', 'Hawk', 'Sushi']) {
    const rows = poolIds.slice(0, 40).map((id, i) => `${id},${i % 3 === 0 ? 1 : 0}`)
    writeFileSync(join(dir, VISION_LAYOUT.trainSet(task)), `ImageID,Confidence\n${rows.join('\n')}\n`)
  }
  return dir
}

function expectUserError(dir: string, pattern: RegExp, extraArgs: string[] = []): string {
  const r = runCli(['vision', 'eval', '--setup', join(dir, 'task_setup.yaml'), ...extraArgs])
  assert.notEqual(r.code, 0, `expected failure, got success:\n${r.stdout}`)
  const lines = r.stderr.trim().split('\n')
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`)
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  assert.match(lines[0]!, pattern)
  const results = readdirSync(join(dir, 'results'))
  assert.deepEqual(results, [], 'no results file is left behind')
  return lines[0]!
}

describe('vision eval refuses bad input clearly', () => {
  test('a valid copy evaluates (control case)', () => {
    const dir = freshCopy()
    const r = runCli(['vision', 'eval', '--setup', join(dir, 'task_setup.yaml')])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(readdirSync(join(dir, 'results')).filter((f) => f.startsWith('result_')).length, 1)
  })

  test('missing training file', () => {
    const dir = freshCopy()
    rmSync(join(dir, VISION_LAYOUT.trainSet('Hawk')))
    expectUserError(dir, /Hawk\.csv: cannot read file \(ENOENT\)/)
  })

  test('unreadable file (a folder where the CSV should be)', () => {
    const dir = freshCopy()
    rmSync(join(dir, VISION_LAYOUT.trainSet('Hawk')))
    mkdirSync(join(dir, VISION_LAYOUT.trainSet('Hawk')))
    expectUserError(dir, /Hawk\.csv: cannot read file \(EISDIR\)/)
  })

  test('missing pool file', () => {
    const dir = freshCopy()
    rmSync(join(dir, VISION_LAYOUT.pool))
    expectUserError(dir, /train_emb_256_dataperf\.parquet: cannot open parquet file \(ENOENT\)/)
  })

  test('a folder given as the pool', () => {
    const dir = freshCopy()
    rmSync(join(dir, VISION_LAYOUT.pool))
    mkdirSync(join(dir, VISION_LAYOUT.pool))
    expectUserError(dir, /train_emb_256_dataperf\.parquet: is a folder, expected a parquet file$/)
  })

  test('pool parquet without the expected columns', () => {
    const dir = freshCopy()
    writeVectorTable(join(dir, VISION_LAYOUT.pool), {
      rows: 2,
      dim: 256,
      leading: [{ name: 'id', type: 'STRING', value: (r) => `x${r}` }],
      vectorColumn: 'embedding',
      vectors: () => new Float32Array(512),
    })
    expectUserError(dir, /train_emb_256_dataperf\.parquet: missing column 'ImageID' \(columns: id, embedding\)/)
  })

  test('test parquet without Confidence', () => {
    const dir = freshCopy()
    writeVectorTable(join(dir, VISION_LAYOUT.testSet('Sushi')), {
      rows: 2,
      dim: 256,
      leading: [{ name: 'ImageID', type: 'STRING', value: (r) => `x${r}` }],
      vectorColumn: 'embedding',
      vectors: () => new Float32Array(512),
    })
    expectUserError(dir, /alpha_test_set_Sushi_256\.parquet: missing column 'Confidence'/)
  })

  test('wrong vector length, in the official wording', () => {
    const dir = freshCopy()
    const setup = join(dir, 'task_setup.yaml')
    writeFileSync(setup, readFileSync(setup, 'utf8').replace('dim: 256', 'dim: 128'))
    expectUserError(dir, /Embedding file dim=256, but setup file specifies dim=128/)
  })

  test('NaN or Inf in a vector used for training', () => {
    const dir = freshCopy()
    const d = 256
    writeVectorTable(join(dir, VISION_LAYOUT.pool), {
      rows: poolIds.length,
      dim: d,
      leading: [{ name: 'ImageID', type: 'STRING', value: (r) => poolIds[r]! }],
      vectorColumn: 'embedding',
      vectors: (s, e) => {
        const v = new Float32Array((e - s) * d).fill(0.5)
        if (s <= 7 && 7 < e) v[(7 - s) * d + 3] = NaN
        return v
      },
    })
    expectUserError(dir, new RegExp(`row 7 \\(ImageID ${poolIds[7]}\\): 'embedding' contains NaN at position 3`))
  })

  test('a pool listing a training ID twice is refused, naming it (issue 13 item 6)', () => {
    const dir = freshCopy()
    const d = 256
    // row 1 repeats row 0's ID with another vector; the training sets use poolIds[0]
    writeVectorTable(join(dir, VISION_LAYOUT.pool), {
      rows: poolIds.length,
      dim: d,
      leading: [{ name: 'ImageID', type: 'STRING', value: (r) => poolIds[r === 1 ? 0 : r]! }],
      vectorColumn: 'embedding',
      vectors: (s, e) => Float32Array.from({ length: (e - s) * d }, (_, i) => ((s * d + i) % 7) / 7),
    })
    expectUserError(
      dir,
      new RegExp(
        `train_emb_256_dataperf\\.parquet: duplicate ImageIDs in the candidate pool: ${poolIds[0]} \\(rows 0 and 1\\); each ID must be listed once`,
      ),
    )
  })

  test('vectors of mixed lengths are named by row, never as an average; a string column is not "dim=1" (item 8)', async () => {
    const dir = freshCopy()
    const pool = join(dir, VISION_LAYOUT.pool)
    const ids = `[${poolIds.map((id) => `'${id}'`).join(', ')}]`
    const db = await (await DuckDBInstance.create(':memory:')).connect()
    // every tenth row (3, 13, ...) has 100 values, the rest 256: the average, 240.4, is no row's length
    await db.run(`COPY (SELECT ids[i] AS ImageID, list_transform(range(CASE WHEN i % 10 = 4 THEN 100 ELSE 256 END), x -> 0.5::FLOAT) AS embedding
      FROM (SELECT ${ids} AS ids), range(1, ${poolIds.length + 1}) t(i)) TO '${pool}' (FORMAT PARQUET)`)
    expectUserError(
      dir,
      /train_emb_256_dataperf\.parquet: vectors of different lengths in 'embedding' \(row 3 has 100 values, row 0 has 256\); setup file specifies dim=256$/,
    )
    await db.run(
      `COPY (SELECT ids[i] AS ImageID, '[0.1, 0.2]' AS embedding FROM (SELECT ${ids} AS ids), range(1, 3) t(i)) TO '${pool}' (FORMAT PARQUET)`,
    )
    expectUserError(
      dir,
      /train_emb_256_dataperf\.parquet: column 'embedding' holds one BYTE_ARRAY value per row, expected a list of 256 numbers$/,
    )
  })

  test('CSV without ImageID or Confidence', () => {
    const dir = freshCopy()
    writeFileSync(join(dir, VISION_LAYOUT.trainSet('Cupcake')), `ImageId,Label\n${poolIds[0]},1\n`)
    expectUserError(dir, /Cupcake\.csv: missing column 'ImageID' \(header: ImageId,Label\)/)
    writeFileSync(join(dir, VISION_LAYOUT.trainSet('Cupcake')), `ImageID,Label\n${poolIds[0]},1\n`)
    expectUserError(dir, /Cupcake\.csv: missing column 'Confidence'/)
  })

  test('a label other than 0 or 1', () => {
    const dir = freshCopy()
    writeFileSync(
      join(dir, VISION_LAYOUT.trainSet('Cupcake')),
      `ImageID,Confidence\n${poolIds[0]},1\n${poolIds[1]},yes\n`,
    )
    expectUserError(
      dir,
      new RegExp(`Cupcake\\.csv: line 3 \\(ImageID ${poolIds[1]}\\): Confidence is 'yes', expected 0 or 1`),
    )
  })

  test('IDs not in the pool: the first few and the count', () => {
    const dir = freshCopy()
    const unknown = Array.from({ length: 8 }, (_, i) => `ffffffffffff000${i}`)
    writeFileSync(
      join(dir, VISION_LAYOUT.trainSet('Hawk')),
      `ImageID,Confidence\n${poolIds[0]},1\n${poolIds[1]},0\n${unknown.map((id) => `${id},0`).join('\n')}\n`,
    )
    const line = expectUserError(
      dir,
      /Hawk\.csv: ImageIDs not in the candidate pool .*ffffffffffff0000, ffffffffffff0001, ffffffffffff0002, ffffffffffff0003, ffffffffffff0004 \(and 3 more; 8 in all\)/,
    )
    assert.doesNotMatch(line, /ffffffffffff0005/)
  })

  test('duplicate IDs', () => {
    const dir = freshCopy()
    writeFileSync(
      join(dir, VISION_LAYOUT.trainSet('Hawk')),
      `ImageID,Confidence\n${poolIds[0]},1\n${poolIds[1]},0\n${poolIds[0]},1\n`,
    )
    expectUserError(dir, new RegExp(`Hawk\\.csv: duplicate ImageIDs: ${poolIds[0]} \\(lines 2 and 4\\)`))
  })

  test('more than 1,000 rows, unless a flag raises the cap', () => {
    const dir = freshCopy()
    const rows = poolIds.slice(0, 1001).map((id, i) => `${id},${i % 2}`)
    writeFileSync(join(dir, VISION_LAYOUT.trainSet('Sushi')), `ImageID,Confidence\n${rows.join('\n')}\n`)
    expectUserError(
      dir,
      /Sushi\.csv: more than 1000 rows; the challenge allows at most 1000 per task \(raise with --max-train-rows\)$/,
    )
    const r = runCli(['vision', 'eval', '--setup', join(dir, 'task_setup.yaml'), '--max-train-rows', '2000'])
    assert.equal(r.code, 0, r.stderr)
  })

  test('reading stops at the row cap: rows past it are never parsed', () => {
    const dir = freshCopy()
    const rows = poolIds.slice(0, 1001).map((id, i) => `${id},${i % 2}`)
    // garbage after row 1001 (an unclosed quote) would be a CSV error if it were read
    writeFileSync(
      join(dir, VISION_LAYOUT.trainSet('Sushi')),
      `ImageID,Confidence\n${rows.join('\n')}\n"unclosed,1\n${'x,0\n'.repeat(50_000)}`,
    )
    expectUserError(dir, /Sushi\.csv: more than 1000 rows; the challenge allows at most 1000 per task/)
  })

  test('huge values are cut in messages; a huge line is refused without being read whole', () => {
    const dir = freshCopy()
    writeFileSync(join(dir, VISION_LAYOUT.trainSet('Hawk')), `${'h'.repeat(300_000)},Confidence\n${poolIds[0]},1\n`)
    let line = expectUserError(
      dir,
      /Hawk\.csv: missing column 'ImageID' \(header: h{80}\.\.\. \(300011 characters\)\)$/,
    )
    assert.ok(line.length < 400, `${line.length} characters`)
    writeFileSync(
      join(dir, VISION_LAYOUT.trainSet('Hawk')),
      `ImageID,Confidence\n${poolIds[0]},1\n${poolIds[1]},${'9'.repeat(500_000)}\n`,
    )
    line = expectUserError(
      dir,
      new RegExp(
        `Hawk\\.csv: line 3 \\(ImageID ${poolIds[1]}\\): Confidence is '9{80}\\.\\.\\. \\(500000 characters\\)', expected 0 or 1$`,
      ),
    )
    assert.ok(line.length < 400)
    writeFileSync(join(dir, VISION_LAYOUT.trainSet('Hawk')), 'x'.repeat(3 << 20))
    expectUserError(dir, /Hawk\.csv: line 1 is longer than 1048576 bytes; expected a CSV of short rows$/)
  })

  test('a single-class training set', () => {
    const dir = freshCopy()
    writeFileSync(join(dir, VISION_LAYOUT.trainSet('Sushi')), `ImageID,Confidence\n${poolIds[0]},0\n${poolIds[1]},0\n`)
    expectUserError(dir, /Sushi\.csv: all 2 rows have Confidence 0; the classifier needs both labels 0 and 1/)
  })

  test('a task in eval_tasks with no paths', () => {
    const dir = freshCopy()
    const setup = join(dir, 'task_setup.yaml')
    writeFileSync(setup, readFileSync(setup, 'utf8').replace(/^Hawk:\n( {2}- .*\n)+/m, ''))
    expectUserError(
      dir,
      /task_setup\.yaml: task 'Hawk' is listed in eval_tasks but has no \[train_csv, test_parquet\] entry/,
    )
  })

  test('empty files', () => {
    const dir = freshCopy()
    writeFileSync(join(dir, VISION_LAYOUT.trainSet('Hawk')), '')
    expectUserError(dir, /Hawk\.csv: file is empty/)
    writeFileSync(join(dir, VISION_LAYOUT.trainSet('Hawk')), 'ImageID,Confidence\n')
    expectUserError(dir, /Hawk\.csv: no rows after the header/)
    const dir2 = freshCopy()
    writeFileSync(join(dir2, VISION_LAYOUT.testSet('Hawk')), '')
    expectUserError(dir2, /alpha_test_set_Hawk_256\.parquet: file is empty, expected a parquet file/)
  })
})
