/**
 * How the CLI ends on an error, through the real CLI process: a user's mistake is one line and
 * exit 2; a built-in algorithm's invalid result or an unexpected exception is reported as a bug in
 * dataperf (naming the algorithm), exit 70, with the stack trace only under DATAPERF_DEBUG=1.
 * The broken algorithms are registered by a small launcher script beside the real one (the CLI
 * has no test hook); everything else is the built CLI as a user runs it.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BugError, checkBuiltInResult, UserError } from '../src/errors.js'
import { generateVisionBenchmark } from '../src/synth/vision.js'
import { runCli } from './helpers/cli.js'
import { REPO_ROOT } from './helpers/paths.js'
import { tempFolder } from './helpers/temp-folder.js'

let dir: string
let launcher: string

before(() => {
  dir = tempFolder('cli-errors')
  generateVisionBenchmark({ out: join(dir, 'data'), seed: 5, poolSize: 1000 })
  const dist = (p: string) => pathToFileURL(join(REPO_ROOT, 'dist/src', p)).href
  // bin/dataperf.js with two broken built-ins added to the registry the CLI reads
  launcher = join(dir, 'dataperf-with-broken-builtins.mjs')
  writeFileSync(
    launcher,
    `import { VISION_SELECTORS } from '${dist('vision/select/index.js')}'
import { main } from '${dist('cli/main.js')}'
VISION_SELECTORS['duplicates'] = { select: async (input) => ({ ids: [input.ids[0], input.ids[1], input.ids[0]], labels: [1, 0, 1] }), readsHumanLabels: false }
VISION_SELECTORS['crashes'] = { select: async (input) => ({ ids: input.noSuchField.slice(0, 3), labels: [1, 0, 0] }), readsHumanLabels: false }
main(process.argv).then((code) => { process.exitCode = code })
`,
  )
})

function run(algorithm: string, debug: boolean) {
  const out = join(dir, `${algorithm}-${debug}.csv`)
  const env = { ...process.env, DATAPERF_DEBUG: debug ? '1' : '' }
  const r = spawnSync(
    process.execPath,
    [launcher, 'vision', 'select', '--algorithm', algorithm, '--task', 'Hawk', '--out', out, '--data-dir', 'data'],
    { cwd: dir, encoding: 'utf8', env },
  )
  return { code: r.status, stderr: r.stderr, written: existsSync(out) }
}

test("a built-in's invalid selection is a bug in dataperf naming it: exit 70, no stack unless DATAPERF_DEBUG=1, nothing written", () => {
  const r = run('duplicates', false)
  assert.equal(r.code, 70, r.stderr)
  const lines = r.stderr.trim().split('\n')
  assert.equal(lines.length, 2, r.stderr)
  assert.match(
    lines[0]!,
    /^dataperf: internal error \(a bug in the built-in duplicates algorithm, not a mistake in your input\): the built-in duplicates algorithm returned an invalid result: the duplicates selection for Hawk: duplicate ImageIDs: \S+ \(entries 0 and 2\)$/,
  )
  assert.equal(lines[1], 'dataperf: please report it with the command you ran; DATAPERF_DEBUG=1 prints the stack trace')
  assert.ok(!r.written)
  const debug = run('duplicates', true)
  assert.equal(debug.code, 70)
  assert.match(
    debug.stderr,
    /\n(BugError: .*\n)(\s+at .*\n)+caused by: UserError: the duplicates selection for Hawk: duplicate ImageIDs/,
  )
})

test('an unexpected exception is a bug: a short message, exit 70, the stack trace only under DATAPERF_DEBUG=1', () => {
  const r = run('crashes', false)
  assert.equal(r.code, 70, r.stderr)
  assert.match(
    r.stderr,
    /^dataperf: internal error \(a bug in the built-in crashes algorithm, not a mistake in your input\): the crashes selection failed: Cannot read properties of undefined \(reading 'slice'\)\n/,
  )
  assert.doesNotMatch(r.stderr, /\n\s+at /)
  const debug = run('crashes', true)
  assert.equal(debug.code, 70)
  assert.match(debug.stderr, /caused by: TypeError: Cannot read properties of undefined \(reading 'slice'\)\n\s+at /)
})

test("a user's mistake stays one line with exit 2, whatever DATAPERF_DEBUG says", () => {
  const r = runCli(
    [
      'vision',
      'select',
      '--algorithm',
      'no-such-algorithm',
      '--task',
      'Hawk',
      '--out',
      join(dir, 'x.csv'),
      '--data-dir',
      'data',
    ],
    dir,
  )
  assert.equal(r.code, 2)
  assert.equal(
    r.stderr,
    "dataperf: error: --algorithm 'no-such-algorithm': expected a built-in (random, weak-labels, centroid, fpscv, pseudolabel, consensus, pu-neighbourhood) or a path to a .ts or .js selection module\n",
  )
})

test("checkBuiltInResult turns a validator's UserError on a built-in's output into a BugError naming it", async () => {
  await assert.rejects(
    checkBuiltInResult('coreset', () => {
      throw new UserError("s: no clips selected for target 'a'")
    }),
    (err: unknown) =>
      err instanceof BugError &&
      !(err instanceof UserError) &&
      err.algorithm === 'coreset' &&
      /^the built-in coreset algorithm returned an invalid result: s: no clips/.test(err.message),
  )
  assert.equal(await checkBuiltInResult('random', () => 42), 42)
  await assert.rejects(
    checkBuiltInResult('random', () => {
      throw new RangeError('x')
    }),
    RangeError,
  ) // other errors pass through
})
