/**
 * server-domain's modules through the real server (`dataperf serve --demo` on loopback, SQLite):
 * the README's offline check of a result (public key and manifest from the API, then
 * `dataperf verify-result` with the submitted files, speech and vision), and the leaderboard's
 * rules as the API and its CSV export show them (one row per team, its best; baseline rows
 * placed and marked without a rank).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { readCsv } from '../src/io/csv.js'
import { pythonFloatRepr } from '../src/io/python-json.js'
import { readSampleIdsYaml } from '../src/speech/sample-ids.js'
import { runCli } from './helpers/cli.js'
import { Api, startProc, type Proc } from './helpers/server.js'
import {
  copyFixture,
  DEMO_CHALLENGE_FIXTURE,
  findSharedFixture,
  publishSharedFixture,
} from './helpers/shared-fixtures.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, state: string, challenge: string, server: Proc, api: Api
let alice: string, bob: string, org: string

before(async () => {
  root = tempFolder('server-results')
  state = join(root, 'state')
  challenge = join(state, 'demo-challenge')
  // the demo's challenge and baselines' files as server-demo's `serve --demo` made them (same seed):
  // this server then only submits and scores the baselines; made here and shared when run alone
  const shared = findSharedFixture(DEMO_CHALLENGE_FIXTURE)
  if (shared) copyFixture(shared, challenge)
  server = await startProc(
    ['serve', '--demo', '--state', state, '--db', join(state, 'server.sqlite'), '--port', '0'],
    root,
  )
  if (!shared) publishSharedFixture(DEMO_CHALLENGE_FIXTURE, challenge)
  api = new Api(server.url)
  alice = (await api.participant('alice@example.org', 'Team Alice')).token
  bob = (await api.participant('bob@example.org', 'Team Bob')).token
  org = (await api.participant('org@example.org', 'Organizers')).token
  const made = runCli(
    [
      'serve',
      'make-organizer',
      'org@example.org',
      '--challenge',
      challenge,
      '--db',
      join(state, 'server.sqlite'),
      '--state',
      state,
    ],
    root,
  )
  assert.equal(made.code, 0, made.stderr)
})

after(async () => {
  await server?.stop()
})

/** en_25_train.json: `perWord` clips per target word from `offset`, then `nontargets` nontargets. */
function speechSelection(perWord: number, nontargets: number, offset: number): Buffer {
  const allowed = readSampleIdsYaml(join(challenge, 'speech/data/dataperf_en_data/allowed_training_set.yaml'))
  const targets: Record<string, string[]> = {}
  for (const [word, ids] of allowed.targets) targets[word] = ids.slice(offset, offset + perWord)
  return Buffer.from(
    JSON.stringify({ targets, nontargets: allowed.nontargets.slice(offset, offset + nontargets) }, null, 4),
  )
}

async function scored(token: string, board: string, files: Array<{ name: string; bytes: Buffer }>, method: string) {
  const r = await api.submit(token, board, files, method)
  assert.equal(r.status, 202, JSON.stringify(r.body))
  const s = await api.waitScored(token, r.body.submission.id)
  assert.equal(s.status, 'scored', s.error)
  return s as { id: string; score: number; details: unknown; rank: number | null }
}

/** The README's steps: public key and manifest from the API, then verify-result with the files. */
async function verifyOffline(token: string, id: string, files: Array<{ name: string; bytes: Buffer }>, dir: string) {
  const key = await api.call('GET', 'public-key')
  assert.equal(key.status, 200)
  writeFileSync(join(dir, 'server.pub.pem'), key.body as string)
  const manifest = await api.call('GET', `submissions/${id}/manifest`, { token })
  assert.equal(manifest.status, 200, JSON.stringify(manifest.body))
  writeFileSync(join(dir, 'result.json'), JSON.stringify(manifest.body, null, 2))
  for (const f of files) writeFileSync(join(dir, f.name), f.bytes)
  const run = (args: string[] = []) =>
    runCli(
      [
        'verify-result',
        'result.json',
        '--public-key',
        'server.pub.pem',
        '--submission',
        ...files.map((f) => f.name),
        ...args,
      ],
      dir,
    )
  return { signed: manifest.body, run }
}

test("README: a speech result verifies offline with the server's public key and the submitted file; a changed one does not", async () => {
  const bytes = speechSelection(3, 9, 0)
  const files = [{ name: 'en_25_train.json', bytes }]
  const s = await scored(alice, 'en-25', files, 'first clips')
  const dir = mkdtempSync(join(root, 'alice-'))
  const { signed, run } = await verifyOffline(alice, s.id, files, dir)
  const ok = run()
  assert.equal(ok.code, 0, ok.stderr)
  assert.match(
    ok.stdout,
    new RegExp(
      `^OK: score ${pythonFloatRepr(s.score).replace('.', '\\.')} on board en-25 for team Team Alice, submission ${s.id} .*; the submission files match\\n$`,
    ),
  )
  // the manifest names every file the evaluator read, with its SHA-256, and the seeds
  const m = signed.manifest as { data_files: Record<string, string>; seeds: number[]; details: { perSeedF1: number[] } }
  assert.ok(Object.keys(m.data_files).length >= 4)
  for (const [path, sha] of Object.entries(m.data_files))
    assert.equal(
      sha,
      createHash('sha256')
        .update(readFileSync(join(challenge, path)))
        .digest('hex'),
      path,
    )
  assert.deepEqual(m.seeds, [5, 69, 98, 70, 95, 64, 37, 11, 4, 32])
  assert.deepEqual(m.details.perSeedF1, (s.details as { perSeedF1: number[] }).perSeedF1)
  // a changed score, or other bytes than were submitted
  writeFileSync(
    join(dir, 'result.json'),
    JSON.stringify({ ...signed, manifest: { ...signed.manifest, score: s.score + 1e-9 } }),
  )
  const changed = run()
  assert.equal(changed.code, 1)
  assert.match(
    changed.stderr,
    /^dataperf: verify-result: FAILED: result\.json: the signature does not match the manifest under this public key/,
  )
  writeFileSync(join(dir, 'result.json'), JSON.stringify(signed))
  writeFileSync(join(dir, 'en_25_train.json'), speechSelection(3, 9, 1))
  const other = run()
  assert.equal(other.code, 1)
  assert.match(
    other.stderr,
    /FAILED: result\.json: the submission's SHA-256 is [0-9a-f]{64}, but en_25_train\.json hash to [0-9a-f]{64}\n$/,
  )
})

test('a vision result (three CSVs) verifies offline with the three files, in any order', async () => {
  const template = readCsv(join(challenge, 'vision/train_sets/random_500.csv'))
  const files = ['Cupcake', 'Hawk', 'Sushi'].map((task, t) => ({
    name: `${task}.csv`,
    bytes: Buffer.from(
      'ImageID,Confidence\n' +
        template.rows
          .slice(t * 50, t * 50 + 300)
          .map((r) => `${r[0]},${r[1]}`)
          .join('\n') +
        '\n',
    ),
  }))
  const s = await scored(bob, 'vision', files, 'random rows')
  const dir = mkdtempSync(join(root, 'bob-'))
  const { run } = await verifyOffline(bob, s.id, [...files].reverse(), dir)
  const ok = run()
  assert.equal(ok.code, 0, ok.stderr)
  assert.match(ok.stdout, /^OK: score 0\.\d+ on board vision for team Team Bob, .*; the submission files match\n$/)
  const two = runCli(
    ['verify-result', 'result.json', '--public-key', 'server.pub.pem', '--submission', 'Cupcake.csv', 'Hawk.csv'],
    dir,
  )
  assert.equal(two.code, 1)
  assert.match(two.stderr, /the submission's SHA-256 is/)
})

test('the en-60 board: one row per team (its best, with its count), baseline rows marked without a rank, the same in CSV', async () => {
  const a1 = await scored(
    alice,
    'en-60',
    [{ name: 'en_60_train.json', bytes: speechSelection(8, 15, 0) }],
    'eight per word',
  )
  const a2 = await scored(
    alice,
    'en-60',
    [{ name: 'en_60_train.json', bytes: speechSelection(1, 2, 3) }],
    'one per word',
  )
  const b1 = await scored(
    bob,
    'en-60',
    [{ name: 'en_60_train.json', bytes: speechSelection(5, 10, 2) }],
    'five per word',
  )
  const base = await scored(
    org,
    'en-60',
    [{ name: 'en_60_train.json', bytes: speechSelection(2, 4, 5) }],
    'official baseline',
  )
  const marked = await api.call('POST', `admin/submissions/${base.id}/baseline`, {
    token: org,
    json: { baseline: true },
  })
  assert.equal(marked.status, 200, JSON.stringify(marked.body))
  const board = await api.call('GET', 'boards/en-60/leaderboard')
  assert.equal(board.status, 200)
  // the demo's own baseline rows (server-demo covers them) are left out here
  const rows = (board.body.rows as Array<{ team: string }>).filter((r) => r.team !== 'Official baselines') as Array<{
    rank: number | null
    team: string
    method: string
    score: number
    baseline: boolean
    submissions: number
    submission_id: string
  }>
  const aliceBest = a1.score >= a2.score ? a1 : a2
  const expected = [
    { team: 'Team Alice', id: aliceBest.id, score: aliceBest.score, submissions: 2, baseline: false },
    { team: 'Team Bob', id: b1.id, score: b1.score, submissions: 1, baseline: false },
    { team: 'Organizers', id: base.id, score: base.score, submissions: 1, baseline: true },
  ].sort((x, y) => y.score - x.score)
  assert.deepEqual(
    rows.map((r) => ({
      team: r.team,
      id: r.submission_id,
      score: r.score,
      submissions: r.submissions,
      baseline: r.baseline,
    })),
    expected,
  )
  let rank = 0
  assert.deepEqual(
    rows.map((r) => r.rank),
    expected.map((e) => (e.baseline ? null : ++rank)),
  )
  const csv = await api.call('GET', 'boards/en-60/leaderboard?format=csv')
  assert.equal(csv.status, 200)
  const records = (parse(csv.body as string, { columns: true }) as Array<Record<string, string>>).filter(
    (r) => r['team'] !== 'Official baselines',
  )
  assert.deepEqual(
    records.map((r) => [r['rank'], r['team'], Number(r['score']), r['baseline'], r['submission_id']]),
    rows.map((r) => [
      r.rank === null ? '' : String(r.rank),
      r.team,
      r.score,
      r.baseline ? 'yes' : 'no',
      String(r.submission_id),
    ]),
  )
  assert.ok('f1_seed_5' in records[0]!)
})
