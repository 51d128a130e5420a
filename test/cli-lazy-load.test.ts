/**
 * The CLI loads only what the chosen command needs: src/cli/ registers every command's flags and
 * help, and each action's module (src/cli/actions/) is imported when that command runs. Checked on
 * the list of modules the real CLI process loads (test/helpers/module-log.ts), not by timing.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { VISION_CONCEPTS } from '../src/synth/vision.js'
import { VISION_LAYOUT } from '../src/vision/layout.js'
import { VISION_SELECTORS } from '../src/vision/select/index.js'
import { VISION_SELECTOR_NAMES } from '../src/vision/select/names.js'
import { SPEECH_SELECTIONS } from '../src/speech/select/load-algorithm.js'
import { SPEECH_SELECTION_NAMES } from '../src/speech/select/names.js'
import { runCli } from './helpers/cli.js'
import { CLI, REPO_ROOT } from './helpers/paths.js'
import { makeChallenge } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

const PRELOAD = join(REPO_ROOT, 'dist/test/helpers/module-log.js')
const SERVER_PACKAGES = ['fastify', 'kysely', 'pg', 'better-sqlite3']
let dir: string
let logCount = 0

before(() => {
  dir = tempFolder('lazy')
  const r = runCli(['generate', 'vision', '--out', join(dir, 'data'), '--seed', '3', '--pool-size', '1000'])
  assert.equal(r.code, 0, r.stderr)
  const train = readFileSync(join(dir, 'data', VISION_LAYOUT.randomTemplate), 'utf8')
  for (const c of VISION_CONCEPTS) writeFileSync(join(dir, 'data', VISION_LAYOUT.trainSet(c.name)), train)
})

interface Loaded {
  code: number
  stdout: string
  stderr: string
  /** our modules, relative to dist/src (cli/main.js, ...) */
  ours: string[]
  /** packages under node_modules (commander, fastify, @fastify/cookie, ...) and bundled ones (src/vendor/) */
  packages: string[]
  /** every URL loaded */
  urls: string[]
}

const loggedEnv = (log: string) => ({
  ...process.env,
  DATAPERF_MODULE_LOG: log,
  DATAPERF_CACHE_DIR: join(dir, 'cache'),
})

/** Runs the CLI with the module log preloaded and returns what it loaded. */
function runLogged(args: string[]): Loaded {
  const log = join(dir, `modules-${logCount++}.txt`)
  writeFileSync(log, '')
  const r = spawnSync(process.execPath, ['--import', PRELOAD, CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: loggedEnv(log),
  })
  return loaded(log, r.status ?? -1, r.stdout, r.stderr)
}

/** Starts a long-running command (serve, worker) with the module log, stops it (SIGTERM) once it prints `ready`. */
function runLoggedUntil(args: string[], ready: RegExp): Promise<Loaded> {
  const log = join(dir, `modules-${logCount++}.txt`)
  writeFileSync(log, '')
  const child = spawn(process.execPath, ['--import', PRELOAD, CLI, ...args], { cwd: dir, env: loggedEnv(log) })
  let stdout = '',
    stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d
    if (ready.test(stdout)) child.kill('SIGTERM')
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(loaded(log, code ?? -1, stdout, stderr))
    }),
  )
}

function loaded(log: string, code: number, stdout: string, stderr: string): Loaded {
  const urls = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))]
  const src = new URL('dist/src/', `file://${REPO_ROOT}/`).href
  const ours = urls.filter((u) => u.startsWith(src)).map((u) => u.slice(src.length))
  const packages = [
    ...new Set(
      urls.flatMap((u) => {
        const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)
        // a bundled package (src/vendor/, scripts/bundle-vendor.mjs) loads as dist/src/vendor/NAME.js
        const vendor = /\/dist\/src\/vendor\/([^/]+)\.js$/.exec(u)
        return m ? [m[1]!] : vendor ? [vendor[1]!] : []
      }),
    ),
  ].sort()
  return { code, stdout, stderr, ours, packages, urls }
}

const actionModules = (l: Loaded) => l.ours.filter((m) => m.startsWith('cli/actions/'))

test('--help and --version load no command module and no package but commander', () => {
  for (const args of [['--help'], ['--version'], ['vision', 'select', '--help'], ['serve', '--help']]) {
    const l = runLogged(args)
    assert.equal(l.code, 0, l.stderr)
    assert.ok(l.ours.includes('cli/main.js'), `the log saw the CLI itself: ${l.ours.join(' ')}`)
    assert.deepEqual(actionModules(l), [], `${args.join(' ')} loaded command modules`)
    assert.deepEqual(l.packages, ['commander'], `${args.join(' ')} loaded packages`)
    // beyond the flag definitions in cli/, only constants modules (layouts, defaults, names) load,
    // and the number checker the flags' parsers use (numbers.js with errors.js and shown.js: no packages)
    const outside = l.ours.filter((m) => !m.startsWith('cli/'))
    assert.ok(outside.length <= 10, `${args.join(' ')} loaded ${outside.join(' ')}`)
  }
})

test("a command group's subcommands are registered only when the command line names the group", () => {
  const groups = ['generate', 'vision', 'speech', 'download', 'create', 'challenge'].map((g) => `cli/${g}.js`)
  const top = runLogged(['--help'])
  assert.deepEqual(
    top.ours.filter((m) => groups.includes(m)),
    [],
  )
  for (const g of ['generate', 'vision', 'speech', 'download', 'create', 'challenge'])
    assert.match(top.stdout, new RegExp(`\\n  ${g} `))
  const vision = runLogged(['help', 'vision'])
  assert.equal(vision.code, 0, vision.stderr)
  assert.deepEqual(
    vision.ours.filter((m) => groups.includes(m)),
    ['cli/vision.js'],
  )
  assert.match(vision.stdout, /^Usage: dataperf vision \[options\] \[command\]/)
  assert.match(vision.stdout, /\n {2}eval \[options\] /)
})

test('vision eval loads its own action and neither fastify, kysely, pg nor better-sqlite3', () => {
  const l = runLogged(['vision', 'eval', '--data-dir', 'data'])
  assert.equal(l.code, 0, l.stderr)
  assert.match(l.stdout, /^Results saved in /)
  assert.deepEqual(actionModules(l), ['cli/actions/vision-eval.js', 'cli/actions/vision-setup-path.js'])
  for (const p of SERVER_PACKAGES) assert.ok(!l.packages.includes(p), `vision eval loaded ${p}`)
  assert.ok(!l.ours.some((m) => m.startsWith('server/') && m !== 'server/state-dir.js'), l.ours.join(' '))
  // the hooks see the evaluator's own packages, so the check above could fail
  assert.ok(l.packages.includes('hyparquet'), l.packages.join(' '))
  // its test sets are snappy (its pool uncompressed): hysnappy alone decodes them, without the ~20
  // modules of hyparquet-compressors (io/parquet/reader.ts)
  assert.ok(l.packages.includes('hysnappy'), l.packages.join(' '))
  assert.ok(!l.packages.includes('hyparquet-compressors'), l.packages.join(' '))
})

test("a command's flags are checked before its module loads", () => {
  const l = runLogged(['vision', 'eval', '--max-train-rows', '0'])
  assert.notEqual(l.code, 0)
  assert.match(l.stderr, /--max-train-rows/)
  assert.deepEqual(actionModules(l), [])
})

test("the help's lists of built-in selections are the registries' names, in order", () => {
  assert.deepEqual([...VISION_SELECTOR_NAMES], Object.keys(VISION_SELECTORS))
  assert.deepEqual([...SPEECH_SELECTION_NAMES], Object.keys(SPEECH_SELECTIONS))
})

test("dataperf worker and the organizer's database commands load no HTTP app: no fastify, typebox or pages", async () => {
  const challenge = makeChallenge(join(dir, 'challenge'))
  const db = ['--challenge', challenge, '--db', join(dir, 'state', 'server.sqlite')]
  const invite = runLogged(['serve', 'invite', ...db, '--state', join(dir, 'state')])
  assert.equal(invite.code, 0, invite.stderr)
  assert.match(invite.stdout, /\S/, 'serve invite printed its code')
  const worker = await runLoggedUntil(['worker', ...db], /dataperf worker: wrk_/)
  assert.match(worker.stdout, /dataperf worker: wrk_/, worker.stderr)
  for (const [name, l] of Object.entries({ 'serve invite': invite, worker })) {
    // the database layer loaded, so the log saw the server's packages and the checks below could fail
    assert.ok(l.packages.includes('kysely') && l.packages.includes('better-sqlite3'), l.packages.join(' '))
    for (const p of ['fastify', 'typebox']) assert.ok(!l.packages.includes(p), `${name} loaded ${p}`)
    const app = l.ours.filter((m) => m.startsWith('server/http/') || m.startsWith('server/web/'))
    assert.deepEqual(app, [], `${name} loaded the HTTP app`)
  }
})

test('serve loads kysely, typebox and fastify (with its plugins) as one bundled file each (src/vendor/), none of their package files; on SQLite, not pg', async () => {
  const challenge = makeChallenge(join(dir, 'challenge-serve'))
  const state = join(dir, 'state-serve')
  const serve = await runLoggedUntil(
    ['serve', '--challenge', challenge, '--db', join(state, 'server.sqlite'), '--state', state, '--port', '0'],
    /http:\/\/127\.0\.0\.1:\d+/,
  )
  assert.match(serve.stdout, /http:\/\/127\.0\.0\.1:\d+/, serve.stderr)
  for (const name of ['kysely', 'typebox', 'fastify']) {
    assert.ok(serve.ours.includes(`vendor/${name}.js`), `serve loaded vendor/${name}.js`)
    const files = serve.urls.filter((u) => u.includes(`/node_modules/${name}/`))
    assert.deepEqual(files, [], `serve loaded ${name}'s own files`)
  }
  // the plugins and fastify's own dependencies are in vendor/fastify.js too
  const stack = serve.urls.filter((u) =>
    /\/node_modules\/(@fastify\/|helmet|ajv|avvio|find-my-way|fast-json-stringify)/.test(u),
  )
  assert.deepEqual(stack, [], 'serve loaded package files of the fastify stack')
  // each database driver loads with a database of its kind (server/db/open.ts)
  assert.ok(serve.packages.includes('better-sqlite3'), serve.packages.join(' '))
  assert.ok(!serve.packages.includes('pg'), 'serve on SQLite loaded pg')
})
