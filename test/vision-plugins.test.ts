/**
 * A user's vision selection module (`vision select --algorithm PATH`) through the built CLI: the
 * README's .ts example and a .js module write training sets that `vision eval` scores; a module
 * returning an unknown ID, a duplicate or too many rows, or never finishing (with --timeout), ends
 * with one line naming the file, exit 2, and no file written.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { generateVisionBenchmark, VISION_LAYOUT } from '../src/synth/vision.js'
import { readExampleSet } from '../src/vision/metadata.js'
import { readHumanLabels } from '../src/vision/human-labels.js'
import { readTrainingSet } from '../src/vision/training-set.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { runCli, type CliResult } from './helpers/cli.js'
import { REPO_ROOT } from './helpers/paths.js'
import { tempFolder } from './helpers/temp-folder.js'

let dir: string
let poolIds: string[]
const data = () => join(dir, 'data')

before(async () => {
  dir = tempFolder('vision-plugins')
  generateVisionBenchmark({ out: data(), seed: 3, poolSize: 1500 })
  // the user's project: dataperf installed beside their module (as `npm install dataperf` lays it)
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'dataperf'), 'dir')
  const pool = await ParquetFile.open(join(data(), VISION_LAYOUT.pool))
  poolIds = (await pool.readScalars('ImageID')).map(String)
  await pool.close()
})

function select(module: string, task: string, out: string, extra: string[] = []): CliResult {
  return runCli(
    ['vision', 'select', '--algorithm', module, '--task', task, '--out', out, '--data-dir', 'data', ...extra],
    dir,
  )
}

/** The README's example module, as printed there. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
  const block = /```ts\n(\/\/ my-selector\.ts[^\n]*\n[\s\S]*?)```/.exec(readme)
  assert.ok(block, 'README has the my-selector.ts example')
  return block[1]!
}

test('the README example (.ts) and a .js module write training sets that vision eval scores', () => {
  writeFileSync(join(dir, 'my-selector.ts'), readmeExample())
  // .js: the examples and human-verified positives labelled 1, the human negatives and then the pool in order labelled 0
  writeFileSync(
    join(dir, 'known.js'),
    `export default function select({ ids, budget, examples, humanLabels, seed }) {
  if (seed !== 7) throw new Error('expected --seed 7, got ' + seed)
  const labels = new Map()
  for (const id of [...examples, ...humanLabels.positives]) labels.set(id, 1)
  for (const id of [...humanLabels.negatives, ...ids]) if (labels.size < budget && !labels.has(id)) labels.set(id, 0)
  return { ids: [...labels.keys()], labels: Int32Array.from(labels.values()) }
}
`,
  )
  const setup = join(data(), VISION_LAYOUT.setup)
  const tasks = ['Cupcake', 'Hawk', 'Sushi']
  for (const [i, task] of tasks.entries()) {
    const module = i === 0 ? 'my-selector.ts' : 'known.js'
    const out = join(data(), 'train_sets', `${task}.csv`)
    const r = select(module, task, out, ['--budget', '120', '--seed', '7'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^${module.replace('.', '\\.')}: 120 rows \\(\\d+ labelled 1\\) for ${task} -> `))
    const set = readTrainingSet(out)
    assert.equal(set.ids.length, 120)
    const examples = readExampleSet(data(), task).ids.filter((id) => poolIds.includes(id))
    const positives = set.ids.filter((_, k) => set.labels[k] === 1)
    if (module === 'known.js') {
      assert.ok(examples.every((id) => positives.includes(id)))
      assert.deepEqual(
        set.ids.slice(0, examples.length),
        [...new Set(readExampleSet(data(), task).ids)].slice(0, examples.length),
      )
    } else {
      assert.deepEqual(positives, examples)
    }
    const manifest = JSON.parse(readFileSync(out.replace(/\.csv$/, '.manifest.json'), 'utf8')) as {
      algorithm: string
      rows: number
      human_labels: { file: string | null }
    }
    assert.equal(manifest.algorithm, module)
    assert.equal(manifest.rows, 120)
    assert.ok(manifest.human_labels.file?.endsWith('.csv'))
  }
  const evaluated = runCli(['vision', 'eval', '--setup', setup, '--json'], dir)
  assert.equal(evaluated.code, 0, evaluated.stderr)
  const results = (JSON.parse(evaluated.stdout) as { results: Record<string, { f1: number }> }).results
  assert.deepEqual(Object.keys(results).sort(), tasks)
  for (const task of tasks)
    assert.ok(results[task]!.f1 > 0 && results[task]!.f1 <= 1, `${task}: ${JSON.stringify(results[task])}`)
})

test('the .js module was handed the human labels the built-ins read', async () => {
  const task = 'Hawk'
  const set = readTrainingSet(join(data(), 'train_sets', `${task}.csv`))
  const human = await readHumanLabels(
    join(data(), VISION_LAYOUT.humanLabels),
    readExampleSet(data(), task).labelName,
    new Set(poolIds),
  )
  assert.ok(human.positives.length > 0 && human.negatives.length > 0)
  const label = new Map(set.ids.map((id, k) => [id, set.labels[k]]))
  for (const id of human.positives) assert.equal(label.get(id), 1, id)
  for (const id of human.negatives)
    if (!readExampleSet(data(), task).ids.includes(id)) assert.equal(label.get(id), 0, id)
})

test('one contract: a built-in run as a module of the user writes the same set and choices as the built-in', () => {
  // the module is the built-in itself, re-exported: it gets the same input through the worker
  writeFileSync(
    join(dir, 'consensus-as-module.js'),
    `export { consensusSelection as default } from '${pathToFileURL(join(REPO_ROOT, 'dist/src/vision/select/consensus.js')).href}'\n`,
  )
  const outs = ['consensus', 'consensus-as-module.js'].map((algorithm) => {
    const out = join(dir, `one-contract-${algorithm.replace('.js', '')}.csv`)
    const r = select(algorithm, 'Hawk', out, ['--budget', '150', '--seed', '3'])
    assert.equal(r.code, 0, r.stderr)
    const manifest = JSON.parse(readFileSync(out.replace(/\.csv$/, '.manifest.json'), 'utf8')) as { choices?: object }
    return { csv: readFileSync(out, 'utf8'), choices: manifest.choices }
  })
  assert.equal(outs[1]!.csv, outs[0]!.csv)
  assert.ok(outs[0]!.choices)
  assert.deepEqual(outs[1]!.choices, outs[0]!.choices)
})

/** One line on stderr matching `pattern`, exit 2, and neither the CSV nor its manifest written. */
function expectRefused(module: string, body: string, pattern: RegExp, extra: string[] = []): void {
  writeFileSync(join(dir, module), body)
  const out = join(dir, `${module}.csv`)
  const r = select(module, 'Cupcake', out, ['--budget', '10', ...extra])
  assert.equal(r.code, 2, `expected exit 2, got ${r.code}:\n${r.stdout}${r.stderr}`)
  const lines = r.stderr.trim().split('\n')
  assert.equal(lines.length, 1, r.stderr)
  assert.ok(lines[0]!.startsWith(`dataperf: error: ${join(dir, module)}`), lines[0])
  assert.match(lines[0]!, pattern)
  assert.ok(!existsSync(out) && !existsSync(join(dir, `${module}.manifest.json`)))
}

test('an unknown ImageID: one line naming the module and the ID, nothing written', () => {
  expectRefused(
    'unknown.js',
    'export default ({ ids }) => ({ ids: [ids[0], "no-such-image", ids[1]], labels: [1, 0, 0] })\n',
    /: ImageIDs not in the candidate pool .*train_emb_256_dataperf\.parquet: no-such-image; nothing written$/,
  )
})

test('a duplicate ImageID: one line naming it and where, nothing written', () => {
  expectRefused(
    'duplicate.js',
    'export default ({ ids }) => ({ ids: [ids[0], ids[1], ids[0]], labels: [1, 0, 1] })\n',
    /: duplicate ImageIDs: \S+ \(entries 0 and 2\); nothing written$/,
  )
})

test('more rows than --budget: one line naming the budget, nothing written', () => {
  expectRefused(
    'many.js',
    'export default ({ ids, budget }) => ({ ids: ids.slice(0, budget + 1), labels: ids.slice(0, budget + 1).map((_, i) => i % 2) })\n',
    /: more than 10 rows; the budget is 10 \(--budget\); nothing written$/,
  )
})

test('something that is not a training set, and a selector that throws: one line each', () => {
  expectRefused(
    'number.js',
    'export default () => 42\n',
    /: returned number 42; expected \{ ids: string\[\], labels: number\[\] \}/,
  )
  expectRefused(
    'throws.ts',
    'export default (): never => { throw new RangeError("no concept found") }\n',
    /: the selector failed: no concept found; nothing written$/,
  )
})

test('a selector that never resolves is stopped by --timeout with a clear message', () => {
  const started = Date.now()
  expectRefused(
    'never.js',
    'export default () => new Promise(() => { setInterval(() => {}, 1000) })\n',
    /did not finish within --timeout 1\.5 s; stopped it, nothing written$/,
    ['--timeout', '1.5'],
  )
  expectRefused('loops.js', 'export default () => { for (;;) {} }\n', /did not finish within --timeout 1\.5 s/, [
    '--timeout',
    '1.5',
  ])
  assert.ok(Date.now() - started < 60_000)
  // without --timeout, a promise left pending with nothing to wait for ends the worker: still exit 2
  expectRefused(
    'pending.js',
    'export default () => new Promise(() => {})\n',
    /ended without returning a training set .*; nothing written$/,
  )
})
