/** The parquet reader on files from our writer and from DuckDB: all paths give the same vectors. */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { ParquetWriter } from 'hyparquet-writer'
import { fileWriter } from 'hyparquet-writer/src/node.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { Rng } from '../src/ml/rng.js'
import { UserError } from '../src/errors.js'
import { tempFolder } from './helpers/temp-folder.js'

const N = 2500,
  D = 16
let dir: string
let vectors: Float32Array
let conn: DuckDBConnection

before(async () => {
  dir = tempFolder('parquet')
  const rng = new Rng(9)
  vectors = Float32Array.from({ length: N * D }, () => rng.normal())
  conn = await (await DuckDBInstance.create(':memory:')).connect()
})

function write(name: string, options: Parameters<typeof writeVectorTable>[2]): string {
  const path = join(dir, name)
  writeVectorTable(
    path,
    {
      rows: N,
      dim: D,
      leading: [{ name: 'id', type: 'STRING', value: (r) => `id-${r}` }],
      vectorColumn: 'v',
      vectors: (s, e) => vectors.subarray(s * D, e * D),
      trailing: [{ name: 'label', type: 'INT64', value: (r) => r % 2 }],
    },
    options,
  )
  return path
}

async function readAll(path: string, rows?: Int32Array) {
  const f = await ParquetFile.open(path)
  try {
    return {
      ids: await f.readScalars('id'),
      labels: await f.readScalars('label'),
      v: await f.readVectors('v', { dim: D, rows }),
    }
  } finally {
    await f.close()
  }
}

const subset = Int32Array.from([0, 1, 2, 700, 701, 1499, 1500, 2499])
function expectedRows(rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * D)
  rows.forEach((r, k) => out.set(vectors.subarray(r * D, (r + 1) * D), k * D))
  return out
}

for (const [name, options] of [
  ['snappy, row groups of 700', { codec: 'SNAPPY' as const, rowGroupSize: 700 }],
  ['uncompressed, one row group', { codec: 'UNCOMPRESSED' as const, rowGroupSize: N }],
  ['list<item> naming', { listElementName: 'item', rowGroupSize: 1000 }],
] as const) {
  test(`our writer round-trips all rows and any subset (${name})`, async () => {
    const path = write(`${name.replace(/\W+/g, '_')}.parquet`, options)
    const all = await readAll(path)
    assert.deepEqual(all.v.data, vectors)
    assert.equal(all.ids[1234], 'id-1234')
    assert.equal(all.labels[3], 1)
    assert.deepEqual((await readAll(path, subset)).v.data, expectedRows(subset))
  })
}

// the writer computes the vector column's levels itself (writer.ts vectorChunk) instead of
// hyparquet-writer's generic walk over number[][]: the bytes must be the library's own, and DuckDB
// must read them back
test("our vector column's levels are the ones hyparquet-writer computes: same file bytes, and DuckDB reads it", async () => {
  const shapes = [
    { rows: N, dim: D, group: 700, type: 'FLOAT' as const, element: 'element', codec: 'SNAPPY' as const },
    { rows: 3, dim: 5, group: 2, type: 'DOUBLE' as const, element: 'item', codec: 'UNCOMPRESSED' as const },
    { rows: 1, dim: 1, group: 10, type: 'FLOAT' as const, element: 'element', codec: 'SNAPPY' as const },
    { rows: 0, dim: 4, group: 10, type: 'FLOAT' as const, element: 'element', codec: 'SNAPPY' as const },
    { rows: 4, dim: 0, group: 3, type: 'DOUBLE' as const, element: 'element', codec: 'SNAPPY' as const },
  ]
  for (const [k, s] of shapes.entries()) {
    const data = (s.type === 'DOUBLE' ? Float64Array : Float32Array).from(vectors.subarray(0, s.rows * s.dim))
    const ours = join(dir, `levels-${k}.parquet`)
    writeVectorTable(
      ours,
      {
        rows: s.rows,
        dim: s.dim,
        leading: [{ name: 'id', type: 'STRING', value: (r) => `id-${r}` }],
        vectorColumn: 'v',
        vectors: (a, b) => data.subarray(a * s.dim, b * s.dim),
        elementType: s.type,
        trailing: [
          { name: 'label', type: 'INT64', value: (r) => r % 3 },
          { name: 'w', type: 'DOUBLE', value: (r) => r / 7 },
        ],
      },
      { rowGroupSize: s.group, codec: s.codec, listElementName: s.element },
    )
    // the same table through the library's generic path, one write() per row group
    const theirs = join(dir, `levels-${k}-generic.parquet`)
    const writer = new ParquetWriter({
      writer: fileWriter(theirs),
      codec: s.codec,
      createdBy: 'dataperf',
      schema: [
        { name: 'schema', num_children: 4 },
        { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'v', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: s.element, type: s.type, repetition_type: 'OPTIONAL' },
        { name: 'label', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'w', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      ],
    })
    for (let a = 0; a < s.rows; a += s.group) {
      const b = Math.min(s.rows, a + s.group)
      const rows = Array.from({ length: b - a }, (_, i) => a + i)
      await writer.write({
        columnData: [
          { name: 'id', data: rows.map((r) => `id-${r}`) },
          {
            name: 'v',
            data: rows.map((r) => Array.from(data.subarray(r * s.dim, (r + 1) * s.dim))),
            statistics: false,
            encoding: 'PLAIN',
          },
          { name: 'label', data: rows.map((r) => BigInt(r % 3)) },
          { name: 'w', data: rows.map((r) => r / 7) },
        ],
        rowGroupSize: b - a,
      })
    }
    await writer.finish()
    assert.ok(readFileSync(ours).equals(readFileSync(theirs)), `shape ${k} (${JSON.stringify(s)}): the files differ`)
    const read = await (
      await conn.runAndReadAll(`SELECT id, v, label, w FROM read_parquet('${ours}')`)
    ).getRowObjectsJS()
    assert.equal(read.length, s.rows)
    read.forEach((row, r) => {
      assert.equal(row['id'], `id-${r}`)
      assert.deepEqual(row['v'], Array.from(data.subarray(r * s.dim, (r + 1) * s.dim)), `shape ${k} row ${r}`)
      assert.equal(row['label'], BigInt(r % 3))
      assert.equal(row['w'], r / 7)
    })
  }
})

test('DuckDB files (v1 pages, dictionary pages, doubles) read the same, whole or in part', async () => {
  const src = write('src.parquet', {})
  for (const [type, opts] of <[string, string][]>[
    ['FLOAT[]', ''],
    ['DOUBLE[]', ", COMPRESSION 'uncompressed'"],
    ['FLOAT[]', ", ROW_GROUP_SIZE 600, COMPRESSION 'zstd'"],
  ]) {
    const path = join(dir, `duck-${type.replace(/\W/g, '')}-${opts.length}.parquet`)
    await conn.run(
      `COPY (SELECT id, v::${type} AS v, label FROM read_parquet('${src}')) TO '${path}' (FORMAT PARQUET${opts})`,
    )
    const all = await readAll(path)
    assert.equal(all.v.data.constructor, type === 'DOUBLE[]' ? Float64Array : Float32Array)
    assert.deepEqual(Float32Array.from(all.v.data), vectors)
    assert.deepEqual(Float32Array.from((await readAll(path, subset)).v.data), expectedRows(subset))
    const f = await ParquetFile.open(path)
    const rows = await f.findRows('id', new Set(['id-0', 'id-1999', 'id-2499', 'nope']))
    await f.close()
    assert.deepEqual([...rows].sort(), [
      ['id-0', 0],
      ['id-1999', 1999],
      ['id-2499', 2499],
    ])
  }
})

test('findRows finds wanted IDs in plain and dictionary-encoded pages', async () => {
  const path = join(dir, 'dict.parquet')
  // repeated IDs make DuckDB choose dictionary encoding; first occurrences count
  await conn.run(
    `COPY (SELECT 'k' || (i % 50) AS id, [i]::FLOAT[] AS v FROM range(3000) t(i)) TO '${path}' (FORMAT PARQUET)`,
  )
  const f = await ParquetFile.open(path)
  const rows = await f.findRows('id', new Set(['k7', 'k49']))
  await f.close()
  assert.deepEqual([...rows].sort(), [
    ['k49', 49],
    ['k7', 7],
  ])
  const ours = write('plain.parquet', { rowGroupSize: 999 })
  const g = await ParquetFile.open(ours)
  assert.deepEqual([...(await g.findRows('id', new Set(['id-998', 'id-999', 'id-1000'])))].sort(), [
    ['id-1000', 1000],
    ['id-998', 998],
    ['id-999', 999],
  ])
  await g.close()
})

test('nulls, short rows and NaN: errors name the row, but only for rows that are read', async () => {
  const path = join(dir, 'bad.parquet')
  await conn.run(
    `COPY (SELECT 'id-' || i AS id, CASE WHEN i = 5 THEN NULL WHEN i = 9 THEN [1.0, 2.0]::FLOAT[] WHEN i = 12 THEN [1.0, 'nan'::FLOAT, 3.0]::FLOAT[] ELSE [i, i + 1, i + 2]::FLOAT[] END AS v, i AS label FROM range(20) t(i)) TO '${path}' (FORMAT PARQUET)`,
  )
  const f = await ParquetFile.open(path)
  const label = (r: number) => `row ${r} (id-${r})`
  await assert.rejects(
    f.readVectors('v', { dim: 3, rowLabel: label }),
    /row 5 \(id-5\): 'v' contains a null or empty vector/,
  )
  await assert.rejects(
    f.readVectors('v', { dim: 3, rows: Int32Array.from([9]), rowLabel: label }),
    /row 9 \(id-9\): 'v' has 2 values, expected 3/,
  )
  await assert.rejects(
    f.readVectors('v', { dim: 3, rows: Int32Array.from([12]), rowLabel: label }),
    /row 12 \(id-12\): 'v' contains NaN at position 1/,
  )
  const ok = await f.readVectors('v', { dim: 3, rows: Int32Array.from([0, 19]) })
  assert.deepEqual(Array.from(ok.data), [0, 1, 2, 19, 20, 21])
  await assert.rejects(
    Promise.resolve().then(() => f.requireColumn('embedding')),
    /missing column 'embedding' \(columns: id, v, label\)/,
  )
  await f.close()
})

test('a damaged footer, byte by byte: every change is a one-line user error or a clean read, never a crash', async () => {
  const path = write('fuzz-source.parquet', {})
  const orig = readFileSync(path)
  const metaLength = orig.readUInt32LE(orig.length - 8)
  const start = orig.length - 8 - metaLength
  const damaged = join(dir, 'fuzz.parquet')
  const crashes: string[] = []
  for (let i = start; i < orig.length - 8; i++) {
    for (const value of [0x00, 0x12, 0x7f]) {
      if (orig[i] === value) continue
      const bytes = Buffer.from(orig)
      bytes[i] = value
      writeFileSync(damaged, bytes)
      try {
        await readAll(damaged)
      } catch (err) {
        if (!(err instanceof UserError))
          crashes.push(`byte ${i - start} = ${value}: ${(err as Error).stack?.split('\n').slice(0, 2).join(' ')}`)
        else assert.ok(!err.message.includes('\n') && err.message.startsWith(damaged), err.message)
      }
    }
  }
  assert.deepEqual(crashes, [])
})

test('an unknown physical type in the footer and a folder given as the file: one line naming the path', async () => {
  const path = write('unknown-type.parquet', {})
  const bytes = readFileSync(path)
  const start = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8)
  // the schema element of column 'id': type (field 1, BYTE_ARRAY = zigzag 12) ... name 'id'
  const name = bytes.indexOf(Buffer.from([0x18, 0x02, 0x69, 0x64]), start)
  const at = bytes.lastIndexOf(Buffer.from([0x15, 0x0c]), name)
  assert.ok(at > start && name - at <= 6, 'the schema element of id')
  bytes[at + 1] = 0x12 // type 9: no such physical type
  writeFileSync(path, bytes)
  await assert.rejects(
    readAll(path),
    (err: Error) =>
      err instanceof UserError &&
      err.message.startsWith(`${path}: `) &&
      /parquet metadata \(.*type/.test(err.message) &&
      !err.message.includes('\n'),
  )
  // the same in the column chunk's metadata (what the decoder would use)
  const chunk = bytes.indexOf(Buffer.from([0x15, 0x0c]), at + 2)
  bytes[at + 1] = 0x0c
  bytes[chunk + 1] = 0x12
  writeFileSync(path, bytes)
  await assert.rejects(
    readAll(path),
    new UserError(
      `${path}: unreadable parquet metadata (row group 0: column 'id' has type undefined, the schema says BYTE_ARRAY)`,
    ),
  )
  const folder = join(dir, 'folder.parquet')
  mkdirSync(folder)
  await assert.rejects(ParquetFile.open(folder), new UserError(`${folder}: is a folder, expected a parquet file`))
})
