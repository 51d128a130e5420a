/**
 * A user's selection class that misbehaves, run through the built CLI: a select() that never
 * settles, a process.exit(0), an endless loop (with --timeout), a throw, and an --outdir that cannot be
 * written. Each ends non-zero with one line, and no training set file is written or changed.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { runCli, type CliResult } from './helpers/cli.js'
import { readOnlyDir } from './helpers/limited-fs.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string
before(() => {
  root = tempFolder('speech-plugins')
  generateSpeechBenchmark({ out: join(root, 'workspace/data'), languages: ['en'], seed: 4, scale: 0.2 })
})

/** Writes a plugin whose select() body is `body`, and its config; returns the config path. */
function plugin(name: string, body: string): string {
  writeFileSync(
    join(root, `${name}.ts`),
    `export class Plugin {\n  constructor(readonly init: any) {}\n  select(): any {\n${body}\n  }\n}\n`,
  )
  const config = join(root, `${name}.yaml`)
  writeFileSync(
    config,
    `selection_random_seed: 0\neval_random_seeds: [5]\nselection_algorithm_module: "${name}.ts"\nselection_algorithm_class: "Plugin"\n`,
  )
  return config
}

function select(config: string, outdir: string, extra: string[] = []): CliResult {
  return runCli(
    [
      'speech',
      'select',
      '--language',
      'en',
      '--train_size',
      '20',
      '--config_file',
      config,
      '--outdir',
      outdir,
      ...extra,
    ],
    root,
  )
}

/** Non-zero, one line matching `pattern`, and the earlier file in `outdir` untouched. */
function expectRefused(r: CliResult, pattern: RegExp, outdir: string, stale: string | undefined): void {
  assert.equal(r.code, 2, `expected exit 2, got ${r.code}:\n${r.stdout}${r.stderr}`)
  const lines = r.stderr.trim().split('\n')
  assert.equal(lines.length, 1, r.stderr)
  assert.match(lines[0]!, pattern)
  const file = join(outdir, 'en_20_train.json')
  if (stale === undefined) assert.ok(!existsSync(file))
  else assert.equal(readFileSync(file, 'utf8'), stale)
}

function outdirWithStaleFile(name: string): { outdir: string; stale: string } {
  const outdir = join(root, name)
  mkdirSync(outdir)
  const stale = '{"nontargets": [], "targets": {}}'
  writeFileSync(join(outdir, 'en_20_train.json'), stale)
  return { outdir, stale }
}

test('a select() that never settles: exit 2, the stale file from an earlier run untouched', () => {
  const { outdir, stale } = outdirWithStaleFile('never')
  expectRefused(
    select(plugin('never', '    return new Promise(() => {})'), outdir),
    /the selection algorithm ended without returning a training set \(its select\(\) never settled, or it called process\.exit\); nothing written$/,
    outdir,
    stale,
  )
})

test('a select() that calls process.exit(0): exit 2, nothing written', () => {
  const { outdir, stale } = outdirWithStaleFile('exits')
  expectRefused(
    select(plugin('exits', '    process.exit(0)'), outdir),
    /ended without returning a training set/,
    outdir,
    stale,
  )
})

test('an endless loop is stopped by --timeout with a clear message', () => {
  const { outdir, stale } = outdirWithStaleFile('loops')
  const started = Date.now()
  expectRefused(
    select(plugin('loops', '    for (;;) {}'), outdir, ['--timeout', '1.5']),
    /the selection algorithm did not finish within --timeout 1\.5 s; stopped it, nothing written$/,
    outdir,
    stale,
  )
  assert.ok(Date.now() - started < 60_000)
  assert.equal(runCli(['speech', 'select', '--language', 'en', '--timeout', '0'], root).code, 2) // the number checker: not a number of seconds > 0, a user's mistake
})

test('a select() that throws: one line naming the module and the first line of its message, exit 2, nothing written', () => {
  const { outdir, stale } = outdirWithStaleFile('throws')
  expectRefused(
    select(plugin('throws', '    throw new RangeError("no keyword left\\nsecond line")'), outdir),
    /^dataperf: error: throws\.ts: the selection algorithm failed: no keyword left; nothing written$/,
    outdir,
    stale,
  )
})

test('a well-behaved plugin still writes its set, with or without --timeout', () => {
  const outdir = join(root, 'fine')
  mkdirSync(outdir)
  const config = plugin(
    'fine',
    '    const e = this.init.allowedEmbeddings\n    const targets: Record<string, string[]> = {}\n    for (const [w, c] of e.targets) targets[w] = c.ids.slice(0, 2)\n    return { targets, nontargets: e.nontargets.ids.slice(0, 2) }',
  )
  const r = select(config, outdir, ['--timeout', '120'])
  assert.equal(r.code, 0, r.stderr)
  const set = JSON.parse(readFileSync(join(outdir, 'en_20_train.json'), 'utf8')) as { nontargets: string[] }
  assert.equal(set.nontargets.length, 2)
})

test('a read-only --outdir: one line, exit 2', (t) => {
  const ro = readOnlyDir()
  if (typeof ro === 'string') {
    t.skip(ro)
    return
  }
  try {
    const r = runCli(
      ['speech', 'select', '--language', 'en', '--train_size', '20', '--algorithm', 'random', '--outdir', ro.dir],
      root,
    )
    expectRefused(
      r,
      /en_20_train\.json: cannot write the training set \((EACCES: permission denied|EROFS: read-only file system)\); nothing written; choose a writable --outdir$/,
      ro.dir,
      undefined,
    )
  } finally {
    ro.release()
  }
})
