/**
 * Where `vision eval` puts its files, on real file systems: parallel runs never overwrite each
 * other, and a results folder that cannot take the files (a file in its place, read-only, full)
 * ends in one line, exit 2, and either a result with its manifest or nothing.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateVisionBenchmark, VISION_LAYOUT } from '../src/synth/vision.js'
import { runCli, runCliAsync, type CliResult } from './helpers/cli.js'
import { fullDiskDir, readOnlyDir } from './helpers/limited-fs.js'
import { tempFolder } from './helpers/temp-folder.js'

let base: string
before(() => {
  base = tempFolder('results')
  generateVisionBenchmark({ out: join(base, 'bench'), seed: 5, poolSize: 1500 })
  for (const task of ['Cupcake', 'Hawk', 'Sushi'])
    cpSync(join(base, 'bench', VISION_LAYOUT.randomTemplate), join(base, 'bench', VISION_LAYOUT.trainSet(task)))
})

let counter = 0
/** A fresh copy of the benchmark whose results_dir is `resultsDir` (relative to it, or absolute). */
function copyWithResultsDir(resultsDir?: string): string {
  const dir = join(base, `case-${counter++}`)
  cpSync(join(base, 'bench'), dir, { recursive: true })
  if (resultsDir !== undefined) {
    const setup = join(dir, VISION_LAYOUT.setup)
    writeFileSync(setup, readFileSync(setup, 'utf8').replace(/^results_dir: .*$/m, `results_dir: ${resultsDir}`))
  }
  return dir
}

const evalArgs = (dir: string) => ['vision', 'eval', '--setup', join(dir, VISION_LAYOUT.setup)]

/** One line on stderr (besides where results go), exit 2, no stack trace. */
function expectOneLine(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 2, `expected exit 2, got ${r.code}:\n${r.stdout}\n${r.stderr}`)
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !/^Results go to /.test(l))
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`)
  assert.match(lines[0]!, pattern)
  assert.equal(r.stdout, '', 'no score printed for results that were not saved')
}

test('16 parallel evaluations leave 16 results, each with its manifest naming it', async () => {
  const dir = copyWithResultsDir()
  const runs = await Promise.all(Array.from({ length: 16 }, () => runCliAsync(evalArgs(dir))))
  for (const r of runs) assert.equal(r.code, 0, r.stderr)
  const files = readdirSync(join(dir, 'results'))
  const results = files.filter((f) => f.startsWith('result_')).sort()
  const manifests = files.filter((f) => f.startsWith('manifest_'))
  assert.equal(results.length, 16, files.join(' '))
  assert.equal(manifests.length, 16)
  const printed = runs.map((r) => /Results saved in (.*)/.exec(r.stdout)![1]!).sort()
  assert.deepEqual(
    printed,
    results.map((f) => join(dir, 'results', f)),
  )
  for (const m of manifests) {
    const manifest = JSON.parse(readFileSync(join(dir, 'results', m), 'utf8')) as { results_file: string }
    assert.equal(manifest.results_file, m.replace(/^manifest_/, 'result_'))
    assert.deepEqual(
      JSON.parse(readFileSync(join(dir, 'results', manifest.results_file), 'utf8')),
      JSON.parse(readFileSync(join(dir, 'results', results[0]!), 'utf8')),
    )
  }
  // the official name while it is free; -2, -3, ... only for later runs in the same second
  assert.ok(
    results.every((f) => /^result_UTC-\d{4}(-\d\d){5}(-\d+)?\.json$/.test(f)),
    results.join(' '),
  )
})

test('a file where the results folder should be: one line, exit 2, the file untouched', () => {
  const dir = copyWithResultsDir()
  rmSync(join(dir, 'results'), { recursive: true })
  writeFileSync(join(dir, 'results'), 'mine')
  expectOneLine(
    runCli(evalArgs(dir)),
    /results: is a file, not a folder \(results_dir\); nothing was written; fix it or set another results_dir in .*task_setup\.yaml$/,
  )
  assert.equal(readFileSync(join(dir, 'results'), 'utf8'), 'mine')
})

test('a read-only results folder: one line, exit 2, nothing written', (t) => {
  const ro = readOnlyDir()
  if (typeof ro === 'string') {
    t.skip(ro)
    return
  }
  try {
    const dir = copyWithResultsDir(ro.dir)
    expectOneLine(
      runCli(evalArgs(dir)),
      /: cannot write the results there \((EACCES: permission denied|EROFS: read-only file system)\); nothing was written/,
    )
    assert.deepEqual(readdirSync(ro.dir), [])
  } finally {
    ro.release()
  }
})

test('a full disk: one line, exit 2, and no result without its manifest', (t) => {
  for (const free of [0, 2500]) {
    // nothing fits; the manifest fits but not the result after it
    const full = fullDiskDir(free)
    if (typeof full === 'string') {
      t.skip(full)
      return
    }
    try {
      const dir = copyWithResultsDir(full.dir)
      expectOneLine(
        runCli(evalArgs(dir)),
        /: cannot write the results there \(ENOSPC: no space left on the device\); nothing was written/,
      )
      assert.deepEqual(
        readdirSync(full.dir).filter((f) => f !== '.filler'),
        [],
      )
    } finally {
      full.release()
    }
  }
})

test('results_dir outside the data folder is followed, and said (issue 13 item 7)', () => {
  const elsewhere = tempFolder('results-elsewhere')
  const dir = copyWithResultsDir(elsewhere)
  const r = runCli(evalArgs(dir))
  assert.equal(r.code, 0, r.stderr)
  assert.equal(
    r.stderr,
    `Results go to ${elsewhere} (results_dir in ${join(dir, VISION_LAYOUT.setup)} points outside the data folder ${dir})\n`,
  )
  assert.equal(readdirSync(elsewhere).filter((f) => f.startsWith('result_')).length, 1)
  const inside = copyWithResultsDir('my/results')
  const quiet = runCli(evalArgs(inside))
  assert.equal(quiet.code, 0, quiet.stderr)
  assert.equal(quiet.stderr, '')
  rmSync(elsewhere, { recursive: true, force: true })
})
