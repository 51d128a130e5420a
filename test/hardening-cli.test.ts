/**
 * Issue 21 (hardening, round 3), the participant side, through the real CLI: each class of defect
 * the red-team run found, checked on new cases of the class (errors with codes and fields, escaped
 * user text, one number checker, one temp-file mechanism, one download rule, doctor agreeing with
 * eval, memory limits). Issue 23 item 4 (errors with structure) and issue 18 item 10 (numbers on
 * the command line) are checked here too.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { strToU8, zipSync } from 'fflate'
import { writeVectorTable } from '../src/io/parquet/writer.js'
import { VISION_LAYOUT } from '../src/vision/layout.js'
import { startLocalServer } from './helpers/local-server.js'
import { CLI, REPO_ROOT } from './helpers/paths.js'
import { tempFolder } from './helpers/temp-folder.js'

let work: string
/** a generated vision benchmark (pool 1,000) with valid training sets for every task */
let vision: string
let poolIds: string[]

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? work,
    encoding: 'utf8',
    env: { ...process.env, DATAPERF_CACHE_DIR: join(work, 'cache'), ...options.env },
    maxBuffer: 1 << 26,
  })
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

/** The user's mistake as a program reads it (DATAPERF_ERRORS=json): code, message and fields. */
function jsonError(args: string[], cwd?: string): { code: string; message: string; [k: string]: unknown } {
  const r = cli(args, { cwd, env: { DATAPERF_ERRORS: 'json' } })
  assert.equal(r.code, 2, r.stderr)
  const lines = r.stderr.trim().split('\n')
  return (JSON.parse(lines[lines.length - 1]!) as { error: { code: string; message: string } }).error
}

/** One line on stderr, exit 2, matching `pattern`. */
function oneLine(r: Run, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stdout + r.stderr)
  assert.match(r.stderr.trim(), pattern)
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
}

/** Every temp path (ours: `.NAME.tmp-PID-RANDOM`) under `dir`, at any depth. */
function tempsUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => /\.tmp-\d+-/.test(p))
}

/** A process id that is not running any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(child.stdout)
}

const TASKS = ['Cupcake', 'Hawk', 'Sushi']

function writeTrainingSets(dir: string, rows: (task: string) => string): void {
  for (const t of TASKS) writeFileSync(join(dir, VISION_LAYOUT.trainSet(t)), rows(t))
}
/** `vision select` of the Hawk task in the generated benchmark. */
const selectHawk = (algorithm: string, out: string, extra: string[] = []) => [
  'vision',
  'select',
  '--setup',
  join(vision, VISION_LAYOUT.setup),
  '--task',
  'Hawk',
  '--algorithm',
  algorithm,
  '--out',
  out,
  ...extra,
]
const validRows = () => `ImageID,Confidence\n${poolIds[0]},1\n${poolIds[1]},0\n${poolIds[2]},0\n`

before(() => {
  work = tempFolder('hardening')
  vision = join(work, 'vision')
  const r = cli(['generate', 'vision', '--out', vision, '--pool-size', '1000', '--seed', '3'])
  assert.equal(r.code, 0, r.stderr)
  poolIds = readFileSync(join(vision, VISION_LAYOUT.randomTemplate), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]!)
  writeTrainingSets(vision, validRows)
})

/** A copy of the generated benchmark to break. */
function visionCopy(name: string): string {
  const dir = join(work, name)
  cpSync(vision, dir, { recursive: true })
  return dir
}

test('21.4: IDs with escape sequences, newlines and NUL bytes never reach the terminal raw', () => {
  const dir = visionCopy('raw-bytes')
  for (const [bad, shownAs] of [
    ['\x1b[2J\x1b[31mPWNED', '"\\u001b[2J\\u001b[31mPWNED"'],
    [`"${poolIds[5]}\nzzz"`, `"${poolIds[5]}\\nzzz"`],
    ['ab\0c', '"ab\\u0000c"'],
    ['\u202eevil', '"\\u202eevil"'],
  ] as const) {
    writeTrainingSets(dir, (t) => (t === 'Cupcake' ? `${validRows()}${bad},0\n` : validRows()))
    for (const args of [
      ['vision', 'eval', '--setup', join(dir, VISION_LAYOUT.setup)],
      ['doctor', dir],
    ]) {
      const r = cli(args)
      const out = r.stdout + r.stderr
      // biome-ignore lint/suspicious/noControlCharactersInRegex: raw control bytes are what must not appear
      assert.ok(!/[\x00-\x08\x0b-\x1f\x7f\u202e]/.test(out), `${args[0]}: raw bytes in ${JSON.stringify(out)}`)
      assert.ok(out.includes(shownAs), `${args[0]}: ${shownAs} not in ${out}`)
    }
    oneLine(cli(['vision', 'eval', '--setup', join(dir, VISION_LAYOUT.setup)]), /ImageIDs not in the candidate pool/)
  }
  // commander's own messages echo what was typed: escaped too
  const typo = cli(['vision', 'eval', '--\x1b[2Jsetup'])
  assert.equal(typo.code, 1)
  assert.ok(!typo.stderr.includes('\x1b'), JSON.stringify(typo.stderr))
  assert.match(typo.stderr, /unknown option '--\\u001b\[2Jsetup'/)
})

test('23.4: errors carry a code and fields; library options are named by their flags', () => {
  const e = jsonError(['vision', 'eval', '--setup', join(work, 'nowhere', 'task_setup.yaml')])
  assert.equal(typeof e.message, 'string')
  const pool = jsonError(['generate', 'vision', '--out', join(vision, 'train_sets'), '--pool-size', '1000'])
  assert.equal(pool.code, 'exists')
  assert.equal(pool.path, join(vision, 'train_sets'))
  assert.equal(pool.option, '--out', 'the library option out is shown as the flag')
  assert.match(pool.message, /choose a new or empty --out folder/)
  // a library error naming timeoutSeconds is the --timeout flag of the command that ran
  const timeout = jsonError(selectHawk('random', join(work, 'h.csv'), ['--timeout', '5']))
  assert.equal(timeout.code, 'bad_option')
  assert.equal(timeout.option, '--timeout')
  assert.match(timeout.message, /^--timeout applies to a selection module of your own \(--algorithm PATH\)/)
  // the sentence a person reads is unchanged
  const plain = cli(['vision', 'eval', '--setup', join(work, 'nowhere.yaml')])
  assert.equal(plain.code, 2)
  assert.match(plain.stderr, /^dataperf: error: /)
})

test('21.5 and 18.10: every number, on the command line and in config files, is checked with its range: exit 2', () => {
  const out = join(work, 'never')
  for (const [args, pattern] of [
    [
      ['generate', 'vision', '--out', out, '--pool-size', '5'],
      /--pool-size.*expected an integer from 1000 to 10000000/,
    ],
    [
      ['generate', 'vision', '--out', out, '--pool-size', '1e12'],
      /--pool-size.*expected an integer from 1000 to 10000000/,
    ],
    [['generate', 'vision', '--out', out, '--seed', '1e30'], /--seed.*expected an integer from 0 to 4294967295/],
    [['generate', 'speech', '--out', out, '--scale', 'abc'], /--scale.*expected a number > 0 and <= 10/],
    [['vision', 'select', '--task', 'Hawk', '--out', 'x.csv', '--seed', '1e30'], /--seed.*from 0 to 4294967295/],
    [
      ['vision', 'select', '--task', 'Hawk', '--out', 'x.csv', '--budget', '0x10'],
      /--budget.*expected an integer >= 1/,
    ],
    [['serve', '--demo', '--workers', 'abc'], /--workers.*expected an integer from 0 to 64/],
    [['serve', '--demo', '--max-upload-mb', 'abc'], /--max-upload-mb.*expected a number > 0 and <= 10240 MB/],
    [['serve', '--demo', '--port', '70000'], /--port.*expected an integer from 0 to 65535/],
    [
      ['worker', '--challenge', 'c', '--db', 'd', '--concurrency', ''],
      /--concurrency.*expected an integer from 1 to 64/,
    ],
    [['download', 'speech', '--retries=-1'], /--retries.*expected an integer >= 0/],
    [
      ['speech', 'select', '--language', 'en', '--timeout', 'Infinity'],
      /--timeout.*expected a number > 0 and <= 31536000 seconds/,
    ],
    [['challenge', 'pack', 'x', '--out', out, '--daily-limit', '2.5'], /--daily-limit.*expected an integer >= 1/],
  ] as const) {
    const r = cli([...args])
    oneLine(r, pattern)
  }
  assert.ok(!existsSync(out))

  // compare checks its numbers before any work: no benchmark generated
  const wd = join(work, 'compare-never')
  oneLine(
    cli(['compare', '--track', 'vision', '--algorithms', 'random', '--pool-size', '5', '--work-dir', wd]),
    /--pool-size.*from 1000 to 10000000/,
  )
  assert.ok(!existsSync(wd))

  // a sweep file's numbers: the file, the key, the range
  const sweep = (name: string, body: string) => {
    const path = join(work, name)
    writeFileSync(path, body)
    return cli(['compare', '--sweep', path, '--work-dir', wd, '--out', join(work, `${name}.html`)])
  }
  const tracks = 'vision:\n  algorithms: [random]\n  settings: {default: {}}\n'
  oneLine(
    sweep('pool.yaml', `seeds: [1]\n${tracks.replace('vision:\n', 'vision:\n  pool_size: 10\n')}`),
    /pool\.yaml: vision\.pool_size: expected an integer from 1000 to 10000000, got 10$/,
  )
  oneLine(sweep('twice.yaml', `seeds: [1, 1, 2]\n${tracks}`), /twice\.yaml: seeds: seed 1 is listed twice/)
  oneLine(
    sweep('huge.yaml', `seeds: [1, 99999999999999999999]\n${tracks}`),
    /huge\.yaml: seeds\[1\]: expected an integer from 0 to 4294967295, got 100000000000000000000$/,
  )
  const e = jsonError(['compare', '--sweep', join(work, 'pool.yaml'), '--work-dir', wd])
  assert.deepEqual(
    { code: e.code, path: e.path, field: e.field },
    { code: 'bad_number', path: join(work, 'pool.yaml'), field: 'vision.pool_size' },
  )
  assert.ok(!existsSync(wd))
})

test('21.8: one seed rule, the official range, in vision and speech configs alike; a budget above the cap warns', () => {
  const ws = join(work, 'speech-ws')
  assert.equal(cli(['generate', 'speech', '--out', join(ws, 'data'), '--languages', 'en', '--scale', '0.2']).code, 0)
  const config = join(ws, 'dataperf_speech_config.yaml')
  const original = readFileSync(config, 'utf8')
  const select = () =>
    cli([
      'speech',
      'select',
      '--language',
      'en',
      '--train_size',
      '25',
      '--algorithm',
      'random',
      '--outdir',
      ws,
      '--config_file',
      config,
      '--allowed_training_set',
      join(ws, 'data/dataperf_en_data/allowed_training_set.yaml'),
      '--train_embeddings_dir',
      join(ws, 'data/dataperf_en_data/train_embeddings'),
    ])
  for (const [seed, got] of [
    ['.nan', 'NaN'],
    ['4294967296', '4294967296'],
    ['-1', '-1'],
  ]) {
    writeFileSync(config, original.replace(/^selection_random_seed: .*$/m, `selection_random_seed: ${seed}`))
    oneLine(
      select(),
      new RegExp(
        `dataperf_speech_config\\.yaml: selection_random_seed: expected an integer from 0 to 4294967295, got ${got}$`,
      ),
    )
  }
  writeFileSync(config, original)
  assert.equal(select().code, 0)

  const r = cli(selectHawk('random', join(work, 'budget.csv'), ['--budget', '1000000000000']))
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /warning: --budget 1000000000000 is above the challenge's cap of 1000 rows per task/)
})

test('21.8: a selection module of the user is stopped at its memory limit (--max-memory), heap or typed arrays', () => {
  const plugin = (name: string, body: string) => {
    const path = join(work, name)
    writeFileSync(path, body)
    return path
  }
  // JS arrays grow the heap (V8's limit); typed arrays grow outside it (the resident-memory watch)
  const heap = plugin(
    'heap.js',
    'export default function () { const keep = []; for (let i = 0; i < 200; i++) keep.push(new Array(1e6).fill(i + 0.5)); return { ids: [], labels: [] } }\n',
  )
  const typed = plugin(
    'typed.js',
    'export default async function () { const keep = []; for (let i = 0; i < 40; i++) { keep.push(new Float64Array(4e6).fill(i)); await new Promise((r) => setTimeout(r, 30)) } return { ids: [], labels: [] } }\n',
  )
  for (const module of [heap, typed]) {
    const r = cli(selectHawk(module, join(work, 'mem.csv'), ['--max-memory', '256']))
    oneLine(r, /used more than its memory limit \(--max-memory 256 MB\); stopped it, nothing written/)
    assert.ok(!existsSync(join(work, 'mem.csv')))
  }
  oneLine(
    cli(['vision', 'select', '--task', 'Hawk', '--out', 'x.csv', '--max-memory', '10']),
    /--max-memory.*expected an integer from 256 to 1048576 MB/,
  )
})

test('21.2: generate vision never writes into a folder that is not an earlier run with the same settings', () => {
  const foreign = join(work, 'foreign')
  mkdirSync(foreign)
  writeFileSync(join(foreign, 'notes.txt'), 'mine')
  oneLine(
    cli(['generate', 'vision', '--out', foreign, '--pool-size', '1000']),
    /foreign: folder is not empty and was not written by `dataperf generate vision`; choose a new or empty --out folder/,
  )
  assert.deepEqual(readdirSync(foreign), ['notes.txt'])

  const earlier = visionCopy('earlier')
  const csv = readFileSync(join(earlier, VISION_LAYOUT.trainSet('Hawk')), 'utf8')
  const e = jsonError(['generate', 'vision', '--out', earlier, '--pool-size', '1000', '--seed', '4'])
  assert.equal(e.code, 'exists')
  assert.match(e.message, /holds a benchmark generated with seed 3, pool size 1000, not seed 4, pool size 1000/)
  assert.equal(readFileSync(join(earlier, VISION_LAYOUT.trainSet('Hawk')), 'utf8'), csv)

  // the same settings: written again, and a task_setup.yaml the user edited stays
  const setup = join(earlier, VISION_LAYOUT.setup)
  writeFileSync(setup, `${readFileSync(setup, 'utf8')}# my note\n`)
  const edited = readFileSync(setup, 'utf8')
  const again = cli(['generate', 'vision', '--out', earlier, '--pool-size', '1000', '--seed', '3'])
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /Note: kept your edited .*task_setup\.yaml/)
  assert.equal(readFileSync(setup, 'utf8'), edited)
})

test("21.2: generate speech never replaces a language folder of other settings, and keeps the user's files on a rerun", () => {
  const data = join(work, 'speech-again', 'data')
  const gen = (seed: string) =>
    cli(['generate', 'speech', '--out', data, '--languages', 'en', '--scale', '0.05', '--seed', seed])
  const first = gen('3')
  assert.equal(first.code, 0, first.stderr)
  const folder = join(data, 'dataperf_en_data')
  writeFileSync(join(folder, 'notes.txt'), 'mine')
  writeFileSync(join(folder, 'train_embeddings', 'mine.txt'), 'mine too')
  const evalYaml = readFileSync(join(folder, 'eval.yaml'), 'utf8')

  const e = jsonError(['generate', 'speech', '--out', data, '--languages', 'en', '--scale', '0.05', '--seed', '4'])
  assert.equal(e.code, 'exists')
  assert.equal(e.option, '--out')
  assert.match(
    e.message,
    /dataperf_en_data: holds a benchmark generated with seed 3, scale 0\.05, not seed 4, scale 0\.05/,
  )
  assert.equal(readFileSync(join(folder, 'eval.yaml'), 'utf8'), evalYaml)

  // the same settings: written again, the user's files stay where they were
  const again = gen('3')
  assert.equal(again.code, 0, again.stderr)
  assert.equal(readFileSync(join(folder, 'notes.txt'), 'utf8'), 'mine')
  assert.equal(readFileSync(join(folder, 'train_embeddings', 'mine.txt'), 'utf8'), 'mine too')
  assert.equal(readFileSync(join(folder, 'eval.yaml'), 'utf8'), evalYaml)
  assert.deepEqual(tempsUnder(data), [])
})

/** Spawns the CLI, waits until `ready()` holds (polled), sends SIGINT, and returns how it ended. */
async function interrupt(
  args: string[],
  ready: () => boolean,
  env?: NodeJS.ProcessEnv,
): Promise<Run & { sawReady: boolean }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: work, env: { ...process.env, ...env } })
  let stdout = '',
    stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d))
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  )
  let sawReady = false
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline && child.exitCode === null) {
    if (ready()) {
      sawReady = true
      child.kill('SIGINT')
      break
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  const { code, signal } = await ended
  return { code, signal, stdout, stderr, sawReady }
}

test('21.3: Ctrl-C during generate vision, generate speech and compare removes their temp files', async () => {
  const cases: Array<{ args: string[]; root: string; ready?: (temps: string[]) => boolean }> = [
    {
      args: ['generate', 'vision', '--out', join(work, 'int-vision'), '--pool-size', '70000'],
      root: join(work, 'int-vision'),
      // GENERATED.json's temp lives a moment and its listeners go with it (a signal caught then is
      // lost, not delivered late): wait for the pool's parquet, which takes seconds
      ready: (temps) => temps.some((p) => p.includes('.parquet.tmp-')),
    },
    {
      args: ['generate', 'speech', '--out', join(work, 'int-speech', 'data'), '--languages', 'en', '--scale', '0.5'],
      root: join(work, 'int-speech'),
    },
    {
      args: [
        'compare',
        '--track',
        'vision',
        '--algorithms',
        'random',
        '--seeds',
        '1',
        '--pool-size',
        '70000',
        '--work-dir',
        join(work, 'int-compare'),
        '--out',
        join(work, 'int.html'),
      ],
      root: join(work, 'int-compare'),
      // its training sets' temp folder exists from the start: wait for the generator's parquet
      ready: (temps) => temps.some((p) => p.includes('.parquet.tmp-')),
    },
  ]
  // the system's temp folder too: nothing of ours is left there either
  const systemTmp = join(work, 'int-system-tmp')
  mkdirSync(systemTmp)
  for (const c of cases) {
    const r = await interrupt(c.args, () => (c.ready ?? ((t) => t.length > 0))(tempsUnder(c.root)), {
      TMPDIR: systemTmp,
    })
    assert.ok(r.sawReady, `${c.args[0]} ${c.args[1]}: no temp file seen (${r.stderr})`)
    assert.equal(r.code, 130, `${c.args.join(' ')}: ${r.signal ?? ''} ${r.stderr}`)
    assert.match(r.stderr, /interrupted/)
    assert.deepEqual(tempsUnder(c.root), [], `${c.args[0]} ${c.args[1]} left temp files`)
    assert.deepEqual(readdirSync(systemTmp), [], `${c.args[0]} ${c.args[1]} left files in the system's temp folder`)
  }
})

test('21.3: a later run removes the temp files a killed run (a dead process) left', () => {
  const dead = deadPid()
  const dir = visionCopy('stale')
  const staleFile = join(dir, 'embeddings', `.train_emb_256_dataperf.parquet.tmp-${dead}-deadbeef`)
  writeFileSync(staleFile, '')
  const speechOut = join(work, 'stale-speech', 'data')
  const staleFolder = join(speechOut, `.dataperf_en_data.tmp-${dead}-cafebabe`)
  mkdirSync(join(staleFolder, 'train_embeddings'), { recursive: true })
  writeFileSync(join(staleFolder, 'train_embeddings', 'music.parquet'), 'partial')
  // a live process's temp file is not touched
  const live = join(dir, 'embeddings', `.train_emb_256_dataperf.parquet.tmp-${process.pid}-0badf00d`)
  writeFileSync(live, '')
  assert.equal(cli(['generate', 'vision', '--out', dir, '--pool-size', '1000', '--seed', '3']).code, 0)
  assert.equal(cli(['generate', 'speech', '--out', speechOut, '--languages', 'en', '--scale', '0.1']).code, 0)
  assert.ok(!existsSync(staleFile), 'stale temp file removed')
  assert.ok(!existsSync(staleFolder), 'stale temp folder removed')
  assert.ok(existsSync(live), "a running process's temp file stays")
})

test('21.6: messages say what is wrong: an empty pool, an open quote, outputs that are folders or files, a missing folder', () => {
  // a pool with no rows: no 'Infinity', and doctor does not call it ok
  const empty = visionCopy('empty-pool')
  writeVectorTable(join(empty, VISION_LAYOUT.pool), {
    rows: 0,
    dim: 256,
    leading: [{ name: 'ImageID', type: 'STRING', value: () => '' }],
    vectorColumn: 'embedding',
    vectors: () => new Float32Array(0),
  })
  const ev = cli(['vision', 'eval', '--setup', join(empty, VISION_LAYOUT.setup)])
  oneLine(ev, /train_emb_256_dataperf\.parquet: no rows; expected ImageIDs with their 256-value embedding/)
  assert.doesNotMatch(ev.stderr, /Infinity|row -1/)
  const doc = cli(['doctor', empty])
  assert.equal(doc.code, 1)
  assert.match(doc.stdout, /ERROR .*train_emb_256_dataperf\.parquet: no rows/)
  assert.doesNotMatch(doc.stdout, /ok .*0 rows x/)

  // a quote left open on line 3 of a long file is reported at line 3, not at the end
  const quote = visionCopy('open-quote')
  const many = poolIds.slice(0, 900).map((id, i) => `${id},${i % 2}`)
  many[1] = `"${many[1]}`
  writeTrainingSets(quote, (t) => (t === 'Hawk' ? `ImageID,Confidence\n${many.join('\n')}\n` : validRows()))
  oneLine(
    cli(['vision', 'eval', '--setup', join(quote, VISION_LAYOUT.setup)]),
    /Hawk\.csv: line 3: a quote \("\) opened here is never closed/,
  )

  // --out naming a folder: said at once, naming the folder (never a temp file), before any work
  const folder = join(work, 'a-folder.html')
  mkdirSync(folder)
  const wd = join(work, 'compare-out')
  const c = cli([
    'compare',
    '--track',
    'vision',
    '--algorithms',
    'random',
    '--seeds',
    '1',
    '--pool-size',
    '1000',
    '--work-dir',
    wd,
    '--out',
    folder,
  ])
  oneLine(c, /a-folder\.html is a folder; --out names the file to write/)
  assert.doesNotMatch(c.stderr, /\.tmp-/)
  assert.ok(!existsSync(wd), 'nothing was run')
  oneLine(cli(selectHawk('random', folder)), /a-folder\.html is a folder; --out names the file to write/)

  // --outdir naming a file is not "does not exist"
  const file = join(work, 'a-file')
  writeFileSync(file, '')
  const s = cli(['speech', 'select', '--language', 'en', '--outdir', file])
  oneLine(s, /a-file is a file, not a folder; --outdir names the folder the training set is written to/)

  // doctor on a path that does not exist says so
  const missing = jsonError(['doctor', join(work, 'no-such-data')])
  assert.equal(missing.code, 'not_found')
  assert.match(missing.message, /no-such-data: no such folder/)
})

test('21.7: doctor agrees with eval (results_dir a file), lists every problem of a file, and checks the selection module', () => {
  const dir = visionCopy('doctor-results')
  rmSync(join(dir, 'results'), { recursive: true, force: true })
  writeFileSync(join(dir, 'results'), 'not a folder')
  assert.equal(cli(['vision', 'eval', '--setup', join(dir, VISION_LAYOUT.setup)]).code, 2)
  const doc = cli(['doctor', dir])
  assert.equal(doc.code, 1, doc.stdout)
  assert.match(doc.stdout, /ERROR .*results: results_dir is a file, not a folder/)

  // several problems in one training set: all reported (eval stops at the first kind)
  const many = visionCopy('doctor-many')
  writeTrainingSets(many, (t) =>
    t === 'Sushi'
      ? `ImageID,Confidence\n${poolIds[0]},1\n${poolIds[1]},yes\n,0\nnot-in-pool,0\n${poolIds[0]},0\n`
      : validRows(),
  )
  const d = cli(['doctor', many])
  assert.equal(d.code, 1)
  const line = d.stdout.split('\n').find((l) => l.includes('Sushi.csv'))!
  assert.match(line, /^ERROR .*Sushi\.csv: 4 problems: /)
  for (const part of [
    /line 3 \(ImageID \w+\): Confidence is 'yes'/,
    /line 4: empty ImageID/,
    /duplicate ImageIDs/,
    /not in the candidate pool .*: not-in-pool/,
  ])
    assert.match(line, part)

  // a speech config whose selection module is a missing file: select fails, so doctor says so
  const ws = join(work, 'doctor-speech')
  assert.equal(cli(['generate', 'speech', '--out', join(ws, 'data'), '--languages', 'en', '--scale', '0.1']).code, 0)
  const config = join(ws, 'dataperf_speech_config.yaml')
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace(
      /^selection_algorithm_module: .*$/m,
      'selection_algorithm_module: my_selection.ts',
    ),
  )
  const sd = cli(['doctor', join(ws, 'data')], { cwd: ws })
  assert.equal(sd.code, 1, sd.stdout)
  assert.match(sd.stdout, /ERROR .*selection_algorithm_module 'my_selection\.ts' not found/)
  // the workspace itself, and the folder above it (where select and eval run with their default
  // paths), mean the same data folder
  const parent = join(work, 'doctor-parent')
  mkdirSync(parent)
  symlinkSync(ws, join(parent, 'workspace'))
  for (const [args, cwd] of [
    [['doctor', ws], work],
    [['doctor'], ws],
    [['doctor'], parent],
  ] as const) {
    const r = cli([...args], { cwd })
    assert.equal(r.code, 1, `${args.join(' ')} in ${cwd}: ${r.stdout}${r.stderr}`)
    assert.match(r.stdout, /^dataperf doctor: speech data in .*data\n/)
    assert.match(r.stdout, /ERROR .*selection_algorithm_module 'my_selection\.ts' not found/)
  }
})

test('21.13: vision run keeps a training set the user made and says so', () => {
  const dir = visionCopy('run-keeps')
  const mine = `ImageID,Confidence\n${poolIds[7]},1\n${poolIds[8]},0\n`
  writeFileSync(join(dir, VISION_LAYOUT.trainSet('Hawk')), mine)
  rmSync(join(dir, VISION_LAYOUT.trainSet('Sushi')))
  const r = cli(['vision', 'run', '--data-dir', dir])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(readFileSync(join(dir, VISION_LAYOUT.trainSet('Hawk')), 'utf8'), mine)
  assert.match(r.stderr, /Kept the training set already in .*Hawk\.csv for Hawk/)
  assert.ok(statSync(join(dir, VISION_LAYOUT.trainSet('Sushi'))).size > 1000, 'the missing one gets the baseline')
  const ignored = readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n')
  for (const entry of ['compare-data/', 'comparison.html']) assert.ok(ignored.includes(entry), `.gitignore: ${entry}`)
})

/** A small speech layout (placeholder bytes stand in for parquet files: only the layout matters here). */
const speechZip = (extra: Record<string, Uint8Array> = {}) =>
  zipSync({
    dataperf_en_data: {
      'allowed_training_set.yaml': strToU8('targets: {music: [music/a.wav]}\nnontargets: [cat/b.wav]\n'),
      'eval.yaml': strToU8('targets: {music: [music/c.wav]}\nnontargets: [dog/d.wav]\n'),
      train_embeddings: { 'music.parquet': new Uint8Array(500).fill(7) },
      eval_embeddings: { 'music.parquet': new Uint8Array(400).fill(1) },
      ...extra,
    },
  })

test("21.1: download speech --zip never removes the user's files, with or without --force, and lists what it kept", () => {
  const out = join(work, 'dl-out')
  const dest = join(out, 'dataperf_en_data')
  mkdirSync(join(dest, 'train_embeddings'), { recursive: true })
  writeFileSync(join(dest, 'notes.txt'), 'my notes')
  writeFileSync(join(dest, 'train_embeddings', 'old_word.parquet'), 'from an earlier release')
  const zip = join(work, 'good.zip')
  writeFileSync(zip, speechZip())
  for (const force of [[], ['--force']]) {
    const r = cli(['download', 'speech', '--languages', 'en', '--zip', zip, '--output_path', out, ...force])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(readFileSync(join(dest, 'notes.txt'), 'utf8'), 'my notes')
    assert.equal(readFileSync(join(dest, 'train_embeddings', 'old_word.parquet'), 'utf8'), 'from an earlier release')
    assert.deepEqual(readFileSync(join(dest, 'train_embeddings', 'music.parquet')), Buffer.alloc(500, 7))
    assert.match(
      r.stderr,
      /dataperf_en_data: kept 1 file that .*good\.zip does not hold: train_embeddings\/old_word\.parquet \(/,
    )
  }
  // the zip's own data replaces an edited copy; the user's file where the zip has one stays beside it
  writeFileSync(join(dest, 'eval.yaml'), 'edited')
  const withNotes = join(work, 'notes.zip')
  writeFileSync(withNotes, speechZip({ 'notes.txt': strToU8('the release notes') }))
  const r = cli(['download', 'speech', '--languages', 'en', '--zip', withNotes, '--output_path', out, '--force'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(readFileSync(join(dest, 'eval.yaml'), 'utf8'), /dog\/d\.wav/)
  assert.equal(readFileSync(join(dest, 'notes.txt'), 'utf8'), 'my notes')
  assert.equal(readFileSync(join(dest, 'notes.downloaded.txt'), 'utf8'), 'the release notes')
})

test("21.12: download speech --parameters_file fetches the languages the file names and the round's speech config", async () => {
  const files = new Map<string, Buffer>([
    ['/r/dataperf_en_data.zip', Buffer.from(speechZip())],
    ['/r/dataperf_speech_config.yaml', Buffer.from('selection_random_seed: 0\neval_random_seeds: [5]\n')],
  ])
  const server = await startLocalServer((req, res) => {
    const body = files.get(req.url!)
    if (!body) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-length': body.length }).end(body)
  })
  try {
    const params = join(work, 'round-params.yaml')
    writeFileSync(
      params,
      `en_embeddings_url: ${server.base}/r/dataperf_en_data.zip\nspeech_config_url: ${server.base}/r/dataperf_speech_config.yaml\n`,
    )
    const ws = join(work, 'round-ws')
    const args = ['download', 'speech', '--parameters_file', params, '--output_path', join(ws, 'data')]
    const r = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: work })
      let stdout = '',
        stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d))
      child.stderr.on('data', (d: Buffer) => (stderr += d))
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    })
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readdirSync(join(ws, 'data')), ['dataperf_en_data'])
    assert.equal(
      readFileSync(join(ws, 'dataperf_speech_config.yaml'), 'utf8'),
      files.get('/r/dataperf_speech_config.yaml')!.toString(),
    )
    assert.match(r.stdout, /^en: /m)
  } finally {
    server.close()
  }
})
