/** The vision commands end to end, as a user runs them: generate, eval (official output), run. */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { VISION_CONCEPTS, VISION_LAYOUT } from '../src/synth/vision.js'
import { pythonJsonDumps } from '../src/io/python-json.js'
import { runCli } from './helpers/cli.js'
import { officialFixture } from './helpers/paths.js'
import { tempFolder } from './helpers/temp-folder.js'

let base: string
const gen = (out: string, seed: number) =>
  runCli(['generate', 'vision', '--out', out, '--seed', String(seed), '--pool-size', '3000'])

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) walk(r)
      else
        out[r] = createHash('sha256')
          .update(readFileSync(join(dir, r)))
          .digest('hex')
    }
  }
  walk('')
  return out
}

before(() => {
  base = tempFolder('cli')
  const r = gen(join(base, 'a'), 1)
  assert.equal(r.code, 0, r.stderr)
})

test('generate vision writes the official layout with the official keys and columns', async () => {
  const dir = join(base, 'a')
  for (const c of VISION_CONCEPTS) {
    assert.ok(existsSync(join(dir, VISION_LAYOUT.testSet(c.name))))
    const ex = readFileSync(join(dir, VISION_LAYOUT.exampleSet(c.name)), 'utf8')
      .trim()
      .split('\n')
    assert.equal(
      ex[0],
      readFileSync(officialFixture(`vision/alpha_example_set_${c.name}.csv`), 'utf8')
        .split('\n')[0]!
        .trim(),
    )
    assert.equal(ex.length, 21)
    const test = await ParquetFile.open(join(dir, VISION_LAYOUT.testSet(c.name)))
    assert.deepEqual(test.columnNames, ['ImageID', 'embedding', 'Confidence'])
    assert.ok(test.numRows >= 100 && test.numRows <= 200)
    await test.close()
  }
  const pool = await ParquetFile.open(join(dir, VISION_LAYOUT.pool))
  assert.deepEqual(pool.columnNames, ['ImageID', 'embedding'])
  assert.equal(pool.numRows, 3000)
  const ids = await pool.readScalars('ImageID')
  assert.ok(ids.every((id) => /^[0-9a-f]{16}$/.test(String(id))))
  await pool.close()
  const official = parse(readFileSync(officialFixture('vision/task_setup.yaml'), 'utf8')) as Record<string, unknown>
  const ours = parse(readFileSync(join(dir, VISION_LAYOUT.setup), 'utf8')) as Record<string, unknown>
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(official).sort())
  assert.deepEqual(ours.eval_tasks, official.eval_tasks)
  assert.equal(readFileSync(join(dir, VISION_LAYOUT.randomTemplate), 'utf8').split('\n')[0], 'ImageID,Confidence')
  for (const f of [VISION_LAYOUT.machineLabels, VISION_LAYOUT.humanLabels]) {
    assert.equal(readFileSync(join(dir, f), 'utf8').split('\n')[0], 'ImageID,Source,LabelName,Confidence')
  }
})

test('generate vision is deterministic by seed', () => {
  assert.equal(gen(join(base, 'a2'), 1).code, 0)
  assert.equal(gen(join(base, 'b'), 2).code, 0)
  const a = filesOf(join(base, 'a')),
    a2 = filesOf(join(base, 'a2')),
    b = filesOf(join(base, 'b'))
  assert.deepEqual(a2, a)
  assert.notEqual(b[VISION_LAYOUT.pool], a[VISION_LAYOUT.pool])
})

test('vision eval prints and writes the official results file, with a manifest of input hashes', () => {
  const dir = join(base, 'a')
  const train = readFileSync(join(dir, VISION_LAYOUT.randomTemplate), 'utf8')
  for (const c of VISION_CONCEPTS) writeFileSync(join(dir, VISION_LAYOUT.trainSet(c.name)), train)
  const r = runCli(['vision', 'eval', '--setup_yaml_path', join(dir, VISION_LAYOUT.setup)])
  assert.equal(r.code, 0, r.stderr)
  const results = readdirSync(join(dir, 'results')).filter((f) => /^result_UTC-\d{4}(-\d\d){5}\.json$/.test(f))
  assert.equal(results.length, 1)
  const text = readFileSync(join(dir, 'results', results[0]!), 'utf8')
  const obj = JSON.parse(text) as Record<string, Record<string, number>>
  assert.deepEqual(Object.keys(obj), ['Cupcake', 'Hawk', 'Sushi'])
  for (const m of Object.values(obj)) assert.deepEqual(Object.keys(m), ['accuracy', 'recall', 'precision', 'f1'])
  assert.equal(text, pythonJsonDumps(obj))
  assert.equal(r.stdout, `Results saved in ${join(dir, 'results', results[0]!)}\n${text}\n`)

  const manifest = JSON.parse(readFileSync(join(dir, 'results', results[0]!.replace('result_', 'manifest_')), 'utf8'))
  assert.equal(manifest.results_file, results[0])
  const pool = manifest.inputs[VISION_LAYOUT.pool]
  assert.equal(
    pool.sha256,
    createHash('sha256')
      .update(readFileSync(join(dir, VISION_LAYOUT.pool)))
      .digest('hex'),
  )
  assert.equal(Object.keys(manifest.inputs).length, 8, 'setup, pool, 3 training sets, 3 test sets')

  const json = runCli(['vision', 'eval', '--setup', join(dir, VISION_LAYOUT.setup), '--json'])
  assert.equal(json.code, 0, json.stderr)
  assert.deepEqual(JSON.parse(json.stdout).results, obj)
})

test('vision run generates the default benchmark, builds baseline sets, and prints a table', () => {
  const dir = join(base, 'run')
  const r = runCli(['vision', 'run', '--data-dir', dir, '--pool-size', '3000'])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.split('\n')
  assert.match(lines[0]!, /^task\s+train \(pos\/neg\)\s+test\s+accuracy\s+precision\s+recall\s+F1$/)
  for (const c of VISION_CONCEPTS)
    assert.ok(
      lines.some((l) => l.startsWith(c.name)),
      `row for ${c.name}`,
    )
  assert.ok(lines.some((l) => /^mean\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+$/.test(l)))
  for (const c of VISION_CONCEPTS) assert.ok(existsSync(join(dir, VISION_LAYOUT.trainSet(c.name))))
})
