/**
 * `dataperf create vision` on a generated pool with Open Images-style human labels: test sets
 * are verified labels held out of the pool, examples are verified positives outside the test
 * sets, the layout works with `vision select` and `vision eval`, and the same seed gives the
 * same bytes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from './helpers/cli.js'
import { rawVisionPool } from './helpers/shared-fixtures.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { readCsv } from '../src/io/csv.js'
import { loadVisionSetup } from '../src/vision/setup.js'
import { tempFolder } from './helpers/temp-folder.js'

async function readTable(path: string, withLabels = false) {
  const f = await ParquetFile.open(path)
  try {
    const ids = (await f.readScalars('ImageID')).map(String)
    const v = await f.readVectors('embedding')
    const labels = withLabels ? (await f.readScalars('Confidence')).map(String) : []
    return { ids, vectors: v.data, dim: v.dim, labels }
  } finally {
    await f.close()
  }
}

function allFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? allFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort()
}

test('create vision: held-out verified test sets, examples, official layout; works with select and eval; deterministic', async () => {
  const dir = tempFolder('create-vision')
  try {
    const raw = rawVisionPool()
    const labelsCsv = join(raw, 'metadata/train-annotations-human-imagelabels.csv')
    const args = (out: string, seed = 0) => [
      'create',
      'vision',
      '--pool',
      join(raw, 'embeddings/train_emb_256_dataperf.parquet'),
      '--human-labels',
      labelsCsv,
      '--class-descriptions',
      join(raw, 'metadata/class-descriptions.csv'),
      '--concepts',
      'Cupcake,/m/0fp7c',
      '--test-positives',
      '6',
      '--test-negatives',
      '15',
      '--seed',
      String(seed),
      '--out',
      out,
    ]
    const out = join(dir, 'exp')
    const r = runCli(args(out))
    assert.equal(r.code, 0, r.stderr)

    const setup = loadVisionSetup(join(out, 'task_setup.yaml'))
    assert.deepEqual(
      setup.tasks.map((t) => t.name),
      ['Cupcake', 'Hawk'],
    )
    const source = await readTable(join(raw, 'embeddings/train_emb_256_dataperf.parquet'))
    const sourceRow = new Map(source.ids.map((id, r) => [id, r]))
    const pool = await readTable(setup.embFile)
    const human = readCsv(labelsCsv).rows
    const verified = new Map(human.map((row) => [`${row[2]}|${row[0]}`, row[3]]))
    const labelName: Record<string, string> = { Cupcake: '/m/03p1r4', Hawk: '/m/0fp7c' }
    const testIds = new Set<string>()
    for (const t of setup.tasks) {
      const ts = await readTable(t.testParquet, true)
      assert.equal(ts.labels.filter((l) => l === '1').length, 6)
      assert.equal(ts.labels.filter((l) => l === '0').length, 15)
      ts.ids.forEach((id, k) => {
        testIds.add(id)
        assert.equal(
          verified.get(`${labelName[t.name]}|${id}`),
          ts.labels[k],
          `${t.name} test image ${id} carries its human label`,
        )
        const s = sourceRow.get(id)!
        assert.deepEqual(ts.vectors.subarray(k * 256, (k + 1) * 256), source.vectors.subarray(s * 256, (s + 1) * 256))
      })
      const examples = readCsv(join(out, `examples/alpha_example_set_${t.name}.csv`))
      assert.deepEqual(examples.header, ['LabelName', 'ImageID', 'Confidence', 'OriginalURL', 'DisplayName'])
      assert.equal(examples.rows.length, 20)
      for (const [label, id, conf, , display] of examples.rows) {
        assert.equal(label, labelName[t.name])
        assert.equal(conf, '1')
        assert.equal(display, t.name)
        assert.equal(verified.get(`${label}|${id}`), '1', `example ${id} is a verified positive`)
      }
    }
    assert.equal(pool.ids.length, source.ids.length - testIds.size)
    assert.ok(
      pool.ids.every((id) => !testIds.has(id)),
      'no test image is left in the pool',
    )
    for (const t of setup.tasks) {
      for (const [, id] of readCsv(join(out, `examples/alpha_example_set_${t.name}.csv`)).rows)
        assert.ok(!testIds.has(id!))
    }
    const publicLabels = readFileSync(join(out, 'metadata/train-annotations-human-imagelabels.csv'), 'utf8')
    for (const id of testIds)
      assert.ok(!publicLabels.includes(id), `test image ${id} is not in the public human labels`)

    // the experiment works with the participant's tools
    for (const t of setup.tasks) {
      const s = runCli([
        'vision',
        'select',
        '--setup',
        join(out, 'task_setup.yaml'),
        '--task',
        t.name,
        '--algorithm',
        'centroid',
        '--budget',
        '200',
        '--out',
        t.trainCsv,
      ])
      assert.equal(s.code, 0, s.stderr)
    }
    const e = runCli(['vision', 'eval', '--setup', join(out, 'task_setup.yaml'), '--json'])
    assert.equal(e.code, 0, e.stderr)
    const results = (JSON.parse(e.stdout) as { results: Record<string, { f1: number }> }).results
    assert.deepEqual(Object.keys(results).sort(), ['Cupcake', 'Hawk'])

    // same seed, same bytes; another seed, other test sets
    const again = join(dir, 'again')
    assert.equal(runCli(args(again)).code, 0)
    const created = allFiles(again)
    assert.deepEqual(
      created,
      allFiles(out).filter((f) => !f.startsWith('train_sets') && !f.startsWith('results')),
    )
    for (const f of created)
      assert.ok(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), `${f} is reproducible`)
    const other = join(dir, 'other')
    assert.equal(runCli(args(other, 1)).code, 0)
    assert.ok(
      !readFileSync(join(other, 'examples/alpha_example_set_Hawk.csv')).equals(
        readFileSync(join(out, 'examples/alpha_example_set_Hawk.csv')),
      ),
    )

    // errors: one line, nothing written
    const bad = join(dir, 'bad')
    const unknown = runCli([...args(bad).slice(0, -2), '--concepts', 'Cupcake,Walrus', '--out', bad])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /no concept 'Walrus'/)
    assert.ok(!existsSync(bad))
    const many = runCli([...args(bad), '--test-positives', '500'])
    assert.equal(many.code, 2)
    assert.match(
      many.stderr,
      /concept Cupcake \(\/m\/03p1r4\) has \d+ verified positives in the pool; 500 test positives \+ 20 examples are needed/,
    )
    assert.equal(many.stderr.trim().split('\n').length, 1)
    mkdirSync(bad)
    writeFileSync(join(bad, 'x'), '')
    const full = runCli(args(bad))
    assert.equal(full.code, 2)
    assert.match(full.stderr, /folder is not empty/)
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes('.tmp-')),
      [],
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
