/**
 * The package as others install it: dependency pins the code relies on, the Node version it
 * needs, and `import ... from 'dataperf'` from a separate project.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as zlib from 'node:zlib'
import semver from 'semver'
import { tempFolder } from './helpers/temp-folder.js'

const root = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  engines: { node: string }
}

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version: string }>
}

/** `name` is an exact version in package.json, and that version is the one installed and locked. */
function assertPinned(name: string): void {
  const range = pkg.dependencies[name]
  assert.match(range ?? '', /^\d+\.\d+\.\d+$/, `${name} must be an exact version, found ${range}`)
  const installed = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string
  }
  assert.equal(installed.version, range)
  assert.equal(lock.packages[`node_modules/${name}`]?.version, range)
}

test('hyparquet is pinned exactly: io/parquet/reader.ts imports its internal modules (hyparquet/src/...)', () => {
  const reader = readFileSync(join(root, 'src/io/parquet/reader.ts'), 'utf8')
  assert.match(reader, /from 'hyparquet\/src\//) // if this stops holding, the pin may go
  assertPinned('hyparquet')
})

test('hyparquet-writer is pinned exactly: io/parquet/writer.ts imports its internal module (hyparquet-writer/src/node.js)', () => {
  const writer = readFileSync(join(root, 'src/io/parquet/writer.ts'), 'utf8')
  assert.match(writer, /from 'hyparquet-writer\/src\//) // if this stops holding, the pin may go
  assertPinned('hyparquet-writer')
})

test('@fastify/cookie is pinned at 11.1.0: later versions need cookie 2.x, which declares node>=22 (engines says >=20.15)', () => {
  assertPinned('@fastify/cookie')
  assert.match(lock.packages['node_modules/cookie']?.version ?? '', /^1\./)
})

test('npm test runs every built test file exactly once (scripts/run-tests.mjs), the longest first; test:unit a part of them', () => {
  const list = (...args: string[]) =>
    execFileSync(process.execPath, ['scripts/run-tests.mjs', '--list', ...args], { cwd: root, encoding: 'utf8' })
      .trim()
      .split('\n')
  const built = (readdirSync(join(root, 'dist/test'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => join('dist/test', f))
  const all = list()
  assert.deepEqual([...all].sort(), [...built].sort())
  assert.equal(new Set(all).size, all.length)
  assert.equal(all[0], join('dist/test', 'speech-parity.test.js'))
  // `npm test -- speech-parity`: the files whose names hold the word
  assert.deepEqual(
    list('speech-parity'),
    ['speech-parity', 'speech-parity-near-ties'].map((n) => join('dist/test', `${n}.test.js`)),
  )
  const unit = list('--unit')
  assert.ok(unit.length > 10 && unit.every((f) => all.includes(f)), unit.join(' '))
})

test('the lanes of npm test report as one run: top-level tests numbered across lanes, one plan, the counts added up', () => {
  const dir = tempFolder('lanes')
  const file = (name: string, tests: string) => {
    writeFileSync(join(dir, name), `import { test } from 'node:test'\nimport assert from 'node:assert'\n${tests}\n`)
    return join(dir, name)
  }
  const twoFiles = [
    file('a.test.mjs', "test('a1', () => {})\ntest('a2', () => assert.equal(1, 2))"),
    file('b.test.mjs', "test('b1', () => {})"),
  ]
  const oneFile = [file('c.test.mjs', "test('c1', () => {})")]
  // two run() calls as scripts/run-tests.mjs makes them, in a process of their own: node:test runs no
  // files from inside a test file
  const script = [
    "import { Readable } from 'node:stream'",
    "import { run } from 'node:test'",
    "import { tap } from 'node:test/reporters'",
    `import { mergeTestStreams } from ${JSON.stringify(pathToFileURL(join(root, 'scripts/merge-test-streams.mjs')).href)}`,
    `const lanes = [run({ files: ${JSON.stringify(twoFiles)}, concurrency: 2 }), run({ files: ${JSON.stringify(oneFile)}, concurrency: 1 })]`,
    'Readable.from(mergeTestStreams(lanes)).compose(tap).pipe(process.stdout)',
  ].join('\n')
  writeFileSync(join(dir, 'lanes.mjs'), script)
  const env = { ...process.env }
  delete env['NODE_TEST_CONTEXT']
  const report = execFileSync(process.execPath, [join(dir, 'lanes.mjs')], { env, encoding: 'utf8' })
  const lines = report.split('\n')
  const numbers = lines.flatMap((l) => /^(?:not )?ok (\d+) - /.exec(l)?.[1] ?? []).map(Number)
  assert.deepEqual(
    numbers.sort((a, b) => a - b),
    [1, 2, 3, 4],
    report,
  )
  const summary = lines.filter((l) => /^1\.\.\d+$|^# (tests|pass|fail) \d+$|^# duration_ms /.test(l))
  assert.deepEqual(summary.slice(0, 4), ['1..4', '# tests 4', '# pass 3', '# fail 1'], report)
  assert.equal(summary.length, 5, report)
})

test('engines names the Node the code needs (zlib.crc32 arrived in 20.15)', () => {
  assert.equal(pkg.engines.node, '>=20.15')
  assert.equal(typeof (zlib as { crc32?: unknown }).crc32, 'function')
})

test('every runtime dependency in the lockfile admits the Node that engines names (npm ci warns EBADENGINE otherwise)', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>
  }
  const oldest = semver.minVersion(pkg.engines.node)!.version
  const refused = Object.entries(lock.packages)
    .filter(
      ([path, p]) =>
        path !== '' &&
        !p.dev &&
        p.engines &&
        !Array.isArray(p.engines) &&
        p.engines.node &&
        !semver.satisfies(oldest, p.engines.node),
    )
    .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')} (${(p.engines as { node: string }).node})`)
  assert.deepEqual(refused, [], `runtime dependencies that refuse Node ${oldest}`)
})

test('the code builds strict with noUncheckedIndexedAccess (an index may be undefined and must be checked)', () => {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>
  }
  assert.equal(tsconfig.compilerOptions['strict'], true)
  assert.equal(tsconfig.compilerOptions['noUncheckedIndexedAccess'], true)
})

test('tsx is an optional peer (loaded only for a .ts selection module), and a dev dependency for our tests', () => {
  assert.equal(pkg.dependencies['tsx'], undefined)
  assert.ok(pkg.peerDependencies?.['tsx'])
  assert.equal(pkg.peerDependenciesMeta?.['tsx']?.optional, true)
  assert.ok(pkg.devDependencies['tsx'])
})

test("a separate project imports 'dataperf' by name, type-checks against its types and scores with it", async () => {
  const project = tempFolder('user')
  try {
    mkdirSync(join(project, 'node_modules'))
    symlinkSync(root, join(project, 'node_modules', 'dataperf'), 'dir') // as `npm link` / a workspace install lays it
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', type: 'module', private: true }))
    const user = `
import { evaluateVision, generateVisionBenchmark, loadVisionSetup, ParquetFile, visionLayout, UserError, validateSpeechSelection,
  TrainingSetSelection, type SelectionInit, type SpeechTrainingSet, type TaskEvaluation, type VisionSelector } from 'dataperf'
import type { SelectionInit as FromSpeech } from 'dataperf/speech'
import { defineVisionSelector, type VisionSelector as FromVision, type VisionSelectorInput, type VisionSelectorOutput } from 'dataperf/vision'
import { defineVisionSelector as fromIndex } from 'dataperf'
import { join } from 'node:path'

export class Mine extends TrainingSetSelection {
  constructor(init: SelectionInit & FromSpeech) { super(init) }
  select(): SpeechTrainingSet { return { targets: {}, nontargets: [] } }
}
export const first: VisionSelector = async (input) => ({ ids: input.ids.slice(0, input.budget), labels: input.ids.slice(0, input.budget).map((_, i) => i % 2) })

// a vision selection module, typed against the package (what \`vision select --algorithm mine.ts\` loads)
export const mine: VisionSelector & FromVision = fromIndex(defineVisionSelector((input: VisionSelectorInput): VisionSelectorOutput => {
  const ids = [...input.examples, ...input.ids.filter((id) => !input.examples.includes(id)).slice(0, input.budget - input.examples.length)]
  return { ids, labels: ids.map((id) => (input.examples.includes(id) ? 1 : 0)) }
}))
const picked = await mine({ task: 't', ids: ['a', 'b', 'c'], embeddings: new Float32Array(6), dim: 2, budget: 2, seed: 0, examples: ['b'],
  humanLabels: { positives: [], negatives: [], file: null }, onProgress: () => {} })

const dir = process.argv[2]!
generateVisionBenchmark({ out: dir, seed: 2, poolSize: 1000 })
const setup = loadVisionSetup(join(dir, visionLayout.VISION_LAYOUT.setup))
const pool = await ParquetFile.open(setup.embFile)
const ids = (await pool.readScalars(visionLayout.ID_COLUMN)).map(String)
await pool.close()
const { writeFileSync } = await import('node:fs')
for (const t of setup.tasks) writeFileSync(t.trainCsv, 'ImageID,Confidence\\n' + ids.slice(0, 40).map((id, i) => id + ',' + (i % 3 === 0 ? 1 : 0)).join('\\n') + '\\n')
const evals: TaskEvaluation[] = await evaluateVision(setup)
let refused = ''
try { validateSpeechSelection({ targets: new Map(), nontargets: [] }, { targets: new Map([['a', ['a/1.wav']]]), nontargets: ['b/1.wav'] }, 25, { selected: 's', allowed: 'a' }) } catch (e) { if (e instanceof UserError) refused = e.message }
console.log(JSON.stringify({ f1: evals.map((e) => e.metrics.f1), refused, picked }))
`
    writeFileSync(join(project, 'user.ts'), user)
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          outDir: 'out',
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['user.ts'],
      }),
    )
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], {
      cwd: project,
      stdio: 'pipe',
    })
    const out = execFileSync(process.execPath, [join(project, 'out/user.js'), join(project, 'bench')], {
      cwd: project,
    }).toString()
    const got = JSON.parse(out) as { f1: number[]; refused: string; picked: unknown }
    // the same numbers as the library called from inside the repository
    const { evaluateVision, loadVisionSetup } = await import('../src/index.js')
    const direct = await evaluateVision(loadVisionSetup(join(project, 'bench', 'task_setup.yaml')))
    assert.deepEqual(
      got.f1,
      direct.map((e) => e.metrics.f1),
    )
    assert.equal(got.f1.length, 3)
    assert.match(got.refused, /^s: no clips selected for target 'a'/)
    assert.deepEqual(got.picked, { ids: ['b', 'a'], labels: [1, 0] })
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
})
