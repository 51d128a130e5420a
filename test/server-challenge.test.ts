/**
 * challenge.yaml: boards and phases as the organizer writes them, each mistake a one-line error
 * naming the file and key, and no configured path (speech data, config, vision setup and the
 * paths inside it) reaching outside the challenge folder.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { UserError } from '../src/errors.js'
import { boardDataFiles, challengeDataFiles, loadChallenge, phaseAt } from '../src/server/challenge/load.js'
import { createDemoChallenge } from '../src/server/demo.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string
let dir: string
let demoYaml: string

before(() => {
  root = tempFolder('server-challenge')
  dir = join(root, 'challenge')
  createDemoChallenge(dir, 2)
  demoYaml = readFileSync(join(dir, 'challenge.yaml'), 'utf8')
  // a secret outside the challenge folder, and a folder of look-alike data outside it
  writeFileSync(join(root, 'secret.yaml'), 'selection_random_seed: 0\neval_random_seeds: [1]\n')
})

const speech = {
  id: 'en-25',
  track: 'speech',
  language: 'en',
  train_size: 25,
  data_dir: 'speech/data/dataperf_en_data',
  config: 'speech/dataperf_speech_config.yaml',
}
const vision = { id: 'vision', track: 'vision', setup: 'vision/task_setup.yaml' }
const open = {
  name: 'open',
  start: '2026-12-01T00:00:00Z',
  end: '2027-02-01T00:00:00Z',
  daily_limit: 3,
  leaderboard: 'public',
  rule: 'best',
}

/** Loads a challenge.yaml written from `doc` into the demo folder; returns the error message or undefined. */
function loadWith(doc: unknown): string | undefined {
  writeFileSync(join(dir, 'challenge.yaml'), typeof doc === 'string' ? doc : stringify(doc))
  try {
    loadChallenge(dir)
    return undefined
  } catch (err) {
    assert.ok(err instanceof UserError, String(err))
    assert.doesNotMatch(err.message, /\n/)
    return err.message
  } finally {
    writeFileSync(join(dir, 'challenge.yaml'), demoYaml)
  }
}

test('the demo challenge loads: boards with absolute paths inside the folder, phases as dates', () => {
  const c = loadChallenge(dir)
  assert.equal(c.name, 'DataPerf demo challenge')
  assert.deepEqual(
    c.boards.map((b) => b.id),
    ['en-25', 'en-60', 'vision'],
  )
  const en25 = c.boards[0]!
  assert.ok(en25.track === 'speech')
  assert.equal(en25.trainSize, 25)
  assert.equal(en25.dataDir, join(dir, 'speech/data/dataperf_en_data'))
  const v = c.boards[2]!
  assert.ok(v.track === 'vision')
  assert.deepEqual(v.tasks, ['Cupcake', 'Hawk', 'Sushi'])
  assert.equal(c.phases[0]!.start.toISOString(), '2020-01-01T00:00:00.000Z')
})

test('phaseAt: start inclusive, end exclusive, nothing between or outside phases; defaults public and best', () => {
  const doc = {
    name: 'x',
    boards: [speech],
    phases: [
      { name: 'dev', start: '2026-12-01T00:00:00Z', end: '2027-01-01T00:00:00Z', daily_limit: 5 },
      {
        name: 'test',
        start: '2027-01-10T00:00:00+01:00',
        end: '2027-02-01T00:00:00Z',
        daily_limit: 1,
        leaderboard: 'hidden',
        rule: 'latest',
      },
    ],
  }
  writeFileSync(join(dir, 'challenge.yaml'), stringify(doc))
  try {
    const c = loadChallenge(dir)
    assert.deepEqual(
      c.phases.map((p) => [p.name, p.leaderboard, p.rule, p.dailyLimit]),
      [
        ['dev', 'public', 'best', 5],
        ['test', 'hidden', 'latest', 1],
      ],
    )
    assert.equal(phaseAt(c, new Date('2026-11-30T23:59:59.999Z')), undefined)
    assert.equal(phaseAt(c, new Date('2026-12-01T00:00:00Z'))?.name, 'dev')
    assert.equal(phaseAt(c, new Date('2026-12-31T23:59:59Z'))?.name, 'dev')
    assert.equal(phaseAt(c, new Date('2027-01-01T00:00:00Z')), undefined)
    assert.equal(phaseAt(c, new Date('2027-01-09T23:00:00Z'))?.name, 'test') // 00:00 at +01:00
    assert.equal(phaseAt(c, new Date('2027-02-01T00:00:00Z')), undefined)
  } finally {
    writeFileSync(join(dir, 'challenge.yaml'), demoYaml)
  }
})

test('challengeDataFiles lists every file the evaluators read, relative, once, and nothing participants send', () => {
  const c = loadChallenge(dir)
  const files = challengeDataFiles(c)
  assert.deepEqual(files, [...files].sort())
  assert.equal(new Set(files).size, files.length)
  for (const f of files) assert.ok(existsSync(join(dir, f)), f)
  for (const f of [
    'speech/dataperf_speech_config.yaml',
    'speech/data/dataperf_en_data/allowed_training_set.yaml',
    'speech/data/dataperf_en_data/eval.yaml',
    'vision/task_setup.yaml',
    'vision/embeddings/train_emb_256_dataperf.parquet',
    'vision/test_sets/alpha_test_set_Hawk_256.parquet',
  ])
    assert.ok(files.includes(f), f)
  assert.ok(files.some((f) => f.startsWith('speech/data/dataperf_en_data/eval_embeddings/') && f.endsWith('.parquet')))
  assert.ok(files.some((f) => f.startsWith('speech/data/dataperf_en_data/train_embeddings/') && f.endsWith('.parquet')))
  assert.ok(!files.some((f) => f.includes('train_sets/') || f === 'challenge.yaml'))
  // the two speech boards share their data: listed once; each board has its own list
  const en25 = boardDataFiles(c, c.boards[0]!),
    vis = boardDataFiles(c, c.boards[2]!)
  assert.deepEqual(boardDataFiles(c, c.boards[1]!), en25)
  assert.deepEqual([...new Set([...en25, ...vis])].sort(), files)
})

test('paths leaving the folder are refused, naming challenge.yaml and the key', () => {
  const at = join(dir, 'challenge.yaml')
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...speech, data_dir: '../secret' }, `${at}: boards[0].data_dir: path '../secret' contains a ".." segment`],
    [{ ...speech, data_dir: 'speech/../../x' }, 'contains a ".." segment'],
    [
      { ...speech, config: join(root, 'secret.yaml') },
      `${at}: boards[0].config: path '${join(root, 'secret.yaml')}' is absolute`,
    ],
    [{ ...speech, config: '%2e%2e/secret.yaml' }, 'contains percent-encoding'],
    [{ ...speech, config: 'speech\\..\\..\\secret.yaml' }, 'contains a backslash'],
    [{ ...speech, config: 'speech/\u0000x' }, 'contains a control character'],
    [
      { ...speech, data_dir: 'speech/missing' },
      `${at}: boards[0].data_dir: folder ${join(dir, 'speech/missing')} not found`,
    ],
    [
      { ...vision, setup: 42 },
      `${at}: boards[0].setup: expected a relative path inside the challenge folder, found 42`,
    ],
  ]
  for (const [board, expected] of cases) {
    const message = loadWith({ name: 'x', boards: [board], phases: [open] })
    assert.ok(message?.includes(expected), `${JSON.stringify(board)}: ${message}`)
  }
})

test('symlinks leading outside the folder are refused: a config, a data folder, a file inside the data', () => {
  symlinkSync(join(root, 'secret.yaml'), join(dir, 'speech/linked-config.yaml'))
  const outside = join(root, 'outside-data')
  mkdirSync(outside)
  symlinkSync(outside, join(dir, 'speech/linked-data'))
  try {
    assert.match(
      loadWith({ name: 'x', boards: [{ ...speech, config: 'speech/linked-config.yaml' }], phases: [open] })!,
      /boards\[0\]\.config: path 'speech\/linked-config\.yaml' is a symlink \(or lies under one\) leading outside the challenge folder/,
    )
    assert.match(
      loadWith({ name: 'x', boards: [{ ...speech, data_dir: 'speech/linked-data' }], phases: [open] })!,
      /boards\[0\]\.data_dir: path 'speech\/linked-data' is a symlink/,
    )
    // one embedding file swapped for a link to a file elsewhere
    const inData = join(dir, 'speech/data/dataperf_en_data/eval_embeddings/zz-linked.parquet')
    symlinkSync(join(root, 'secret.yaml'), inData)
    try {
      assert.match(
        loadWith({ name: 'x', boards: [speech], phases: [open] })!,
        /boards\[0\]\.data_dir: path '.*zz-linked\.parquet' is a symlink/,
      )
    } finally {
      rmSync(inData)
    }
    // a link that stays inside the folder is fine
    symlinkSync(join(dir, 'speech/dataperf_speech_config.yaml'), join(dir, 'speech/inside-link.yaml'))
    assert.equal(
      loadWith({ name: 'x', boards: [{ ...speech, config: 'speech/inside-link.yaml' }], phases: [open] }),
      undefined,
    )
  } finally {
    for (const f of ['speech/linked-config.yaml', 'speech/linked-data', 'speech/inside-link.yaml'])
      rmSync(join(dir, f), { force: true })
  }
})

test('a vision setup whose data_dir, pool or test set leaves the folder is refused', () => {
  const setupPath = join(dir, 'vision/escape_setup.yaml')
  const original = readFileSync(join(dir, 'vision/task_setup.yaml'), 'utf8')
  try {
    writeFileSync(setupPath, original.replace('data_dir: .', `data_dir: ${root}`))
    assert.match(
      loadWith({ name: 'x', boards: [{ ...vision, setup: 'vision/escape_setup.yaml' }], phases: [open] })!,
      new RegExp(`escape_setup\\.yaml: data_dir '${root}' lies outside the challenge folder`),
    )
    writeFileSync(setupPath, original.replace(/emb_file: .*/, 'emb_file: ../../secret.yaml'))
    assert.match(
      loadWith({ name: 'x', boards: [{ ...vision, setup: 'vision/escape_setup.yaml' }], phases: [open] })!,
      /escape_setup\.yaml: emb_file '.*secret\.yaml' lies outside the challenge folder/,
    )
    writeFileSync(setupPath, original.replace(/- test_sets\/alpha_test_set_Hawk_256\.parquet/, '- ../../secret.yaml'))
    assert.match(
      loadWith({ name: 'x', boards: [{ ...vision, setup: 'vision/escape_setup.yaml' }], phases: [open] })!,
      /escape_setup\.yaml: Hawk test set '.*secret\.yaml' lies outside/,
    )
  } finally {
    rmSync(setupPath, { force: true })
  }
})

test('board and phase mistakes: one line naming challenge.yaml and the key', () => {
  const at = join(dir, 'challenge.yaml')
  const cases: Array<[unknown, string]> = [
    ['- just a list', `${at}: expected a mapping with name, boards and phases`],
    [{ boards: [speech], phases: [open] }, `${at}: name: expected a non-empty string`],
    [{ name: 'x', boards: [], phases: [open] }, `${at}: boards: expected a non-empty list of boards`],
    [{ name: 'x', boards: [speech], phases: [open], extra: 1 }, `${at}: extra: unknown key`],
    [
      { name: 'x', boards: [{ ...speech, id: 'EN 25' }], phases: [open] },
      `${at}: boards[0].id: expected an id of lowercase letters, digits and '-'`,
    ],
    [
      { name: 'x', boards: [speech, { ...speech }], phases: [open] },
      `${at}: boards[1].id: 'en-25' is used by an earlier board`,
    ],
    [
      { name: 'x', boards: [{ ...speech, language: 'fr' }], phases: [open] },
      `${at}: boards[0].language: language fr not supported. Supported languages are: en, id, pt`,
    ],
    [
      { name: 'x', boards: [{ ...speech, train_size: 0 }], phases: [open] },
      `${at}: boards[0].train_size: expected an integer >= 1, got 0`,
    ],
    [
      { name: 'x', boards: [{ ...speech, track: 'audio' }], phases: [open] },
      `${at}: boards[0].track: expected speech or vision, found "audio"`,
    ],
    [
      { name: 'x', boards: [{ ...vision, language: 'en' }], phases: [open] },
      `${at}: boards[0].language: unknown key for a vision board`,
    ],
    [
      { name: 'x', boards: [speech], phases: [{ ...open, start: '2026-12-01' }] },
      `${at}: phases[0].start: expected a date and time with a time zone, e.g. 2026-12-01T00:00:00Z, found "2026-12-01"`,
    ],
    [
      { name: 'x', boards: [speech], phases: [{ ...open, end: '2026-11-01T00:00:00Z' }] },
      `${at}: phases[0].end: 2026-11-01T00:00:00.000Z is not after start 2026-12-01T00:00:00.000Z`,
    ],
    [
      { name: 'x', boards: [speech], phases: [{ ...open, daily_limit: 0 }] },
      `${at}: phases[0].daily_limit: expected an integer >= 1, got 0`,
    ],
    [
      { name: 'x', boards: [speech], phases: [{ ...open, leaderboard: 'private' }] },
      `${at}: phases[0].leaderboard: expected public or hidden, found "private"`,
    ],
    [
      { name: 'x', boards: [speech], phases: [{ ...open, rule: 'mean' }] },
      `${at}: phases[0].rule: expected best or latest, found "mean"`,
    ],
    [
      { name: 'x', boards: [speech], phases: [open, { ...open }] },
      `${at}: phases[1].name: 'open' is used by an earlier phase`,
    ],
    [
      {
        name: 'x',
        boards: [speech],
        phases: [open, { ...open, name: 'late', start: '2027-01-15T00:00:00Z', end: '2027-03-01T00:00:00Z' }],
      },
      `${at}: phases[1]: 'late' starts at 2027-01-15T00:00:00.000Z, before 'open' ends (2027-02-01T00:00:00.000Z); phases must not overlap`,
    ],
    ['name: [unclosed', `${at}: not valid YAML`],
  ]
  for (const [doc, expected] of cases) {
    const message = loadWith(doc)
    assert.ok(message?.startsWith(expected), `expected "${expected}", got "${message}"`)
  }
  assert.throws(() => loadChallenge(join(root, 'nowhere')), /nowhere: challenge folder not found/)
  assert.throws(() => loadChallenge(root), /challenge\.yaml: not found; a challenge folder holds challenge\.yaml/)
})
