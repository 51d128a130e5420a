/**
 * The leaderboard server as a user runs it (SQLite): `dataperf serve` on loopback, accounts,
 * submissions scored exactly like `dataperf speech eval` / `dataperf vision eval`, the quota,
 * `dataperf submit` / `dataperf leaderboard`, signed manifests and the audit chain.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { verifyManifest } from '../src/server/manifest.js'
import {
  LeaderboardRowSchema,
  LeaderboardSchema,
  PhaseViewSchema,
  QuotaSchema,
  SubmissionViewSchema,
  SubmitResultSchema,
} from '../src/server/wire.js'
import { runCliAsync } from './helpers/cli.js'
import { Api, makeChallenge, speechEvalArgs, speechSelection, startProc, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, challenge: string, dbFile: string, server: Proc, api: Api
let alice: string

before(async () => {
  root = tempFolder('server-api')
  challenge = makeChallenge(join(root, 'challenge'), { dailyLimit: 3, vision: true })
  dbFile = join(root, 'state', 'server.sqlite')
  server = await startProc(
    // six accounts log in here: more password checks than one address may make a minute by default
    [
      'serve',
      '--challenge',
      challenge,
      '--db',
      dbFile,
      '--state',
      join(root, 'state'),
      '--port',
      '0',
      '--login-limit',
      '100',
    ],
    root,
  )
  api = new Api(server.url)
  alice = (await api.participant('alice@example.org', 'Team Alice')).token
})

after(async () => {
  await server?.stop()
})

test('a speech submission is scored exactly as `dataperf speech eval` scores the same file (every seed, to the last bit)', async () => {
  const bytes = speechSelection(challenge, 1)
  const file = join(root, 'en_25_train.json')
  writeFileSync(file, bytes)
  const r = await api.submit(alice, 'en-25', [{ name: 'en_25_train.json', bytes }], 'random 1')
  assert.equal(r.status, 202, JSON.stringify(r.body))
  assert.deepEqual(r.body.quota, {
    limit: 3,
    used: 1,
    remaining: 2,
    resets_at: r.body.quota.resets_at,
    team_used: 1,
    person_used: 1,
  })
  const scored = await api.waitScored(alice, r.body.submission.id)
  assert.equal(scored.status, 'scored', scored.error)
  const cli = await runCliAsync([...speechEvalArgs(challenge, file), '--json'], root)
  assert.equal(cli.code, 0, cli.stderr)
  const doc = JSON.parse(cli.stdout) as { score: number; scores: number[]; seeds: number[] }
  assert.equal(scored.score, doc.score)
  assert.deepEqual(scored.details, { seeds: doc.seeds, perSeedF1: doc.scores })
  assert.equal(scored.rank, 1)
})

test('a vision submission (one CSV per task) is scored exactly as `dataperf vision eval`: four metrics per task, mean F1', async () => {
  // the training sets where task_setup.yaml names them, so `vision eval` reads the very files submitted
  const setup = join(challenge, 'vision/task_setup.yaml')
  for (const t of ['Cupcake', 'Hawk', 'Sushi']) {
    const s = await runCliAsync(
      [
        'vision',
        'select',
        '--setup',
        setup,
        '--task',
        t,
        '--algorithm',
        'random',
        '--out',
        join(challenge, 'vision/train_sets', `${t}.csv`),
      ],
      root,
    )
    assert.equal(s.code, 0, s.stderr)
  }
  const files = ['Cupcake', 'Hawk', 'Sushi'].map((t) => ({
    name: `${t}.csv`,
    bytes: readFileSync(join(challenge, 'vision/train_sets', `${t}.csv`)),
  }))
  const r = await api.submit(alice, 'vision', files, 'weak labels')
  assert.equal(r.status, 202, JSON.stringify(r.body))
  const scored = await api.waitScored(alice, r.body.submission.id)
  assert.equal(scored.status, 'scored', scored.error)
  const cli = await runCliAsync(['vision', 'eval', '--setup', setup, '--json'], root)
  assert.equal(cli.code, 0, cli.stderr)
  const results = (
    JSON.parse(cli.stdout) as {
      results: Record<string, { accuracy: number; recall: number; precision: number; f1: number }>
    }
  ).results
  for (const t of ['Cupcake', 'Hawk', 'Sushi']) {
    for (const m of ['accuracy', 'recall', 'precision', 'f1'] as const)
      assert.equal(scored.details.tasks[t][m], results[t]![m], `${t} ${m}`)
  }
  const f1 = ['Cupcake', 'Hawk', 'Sushi'].map((t) => results[t]!.f1)
  assert.ok(Math.abs(scored.score - (f1[0]! + f1[1]! + f1[2]!) / 3) < 1e-15)
})

test("an invalid file is refused with the CLI's one-line message and is not charged; a byte-equal resubmission is answered with the earlier one", async () => {
  // a team of its own, so that this test needs no other test's submission
  const dana = (await api.participant('dana@example.org', 'Team Dana')).token
  const first = await api.submit(dana, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 7) }])
  assert.equal(first.status, 202, JSON.stringify(first.body))
  const before = (await api.call('GET', 'boards/en-25/quota', { token: dana })).body
  assert.equal(before.used, 1)
  const bad = Buffer.from(JSON.stringify({ targets: { nope: ['x/y.wav'] }, nontargets: [] }))
  const r = await api.submit(dana, 'en-25', [{ name: 'en_25_train.json', bytes: bad }])
  assert.equal(r.status, 400)
  assert.equal(r.body.error.code, 'invalid_file')
  assert.match(
    r.body.error.message,
    /^en_25_train\.json: target nope not in allowed set \(allowed_training_set\.yaml has /,
  )
  const wrongName = await api.submit(dana, 'en-25', [{ name: 'train.json', bytes: speechSelection(challenge, 2) }])
  assert.equal(wrongName.status, 400)
  assert.match(wrongName.body.error.message, /en_25_train\.json/)
  const again = await api.submit(dana, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 7) }])
  assert.equal(again.status, 200)
  assert.equal(again.body.duplicate, true)
  assert.equal(again.body.submission.id, first.body.submission.id)
  const afterQ = (await api.call('GET', 'boards/en-25/quota', { token: dana })).body
  assert.equal(afterQ.used, before.used)
})

test('the daily quota: the answer over the limit names the limit and the reset time, and is audited', async () => {
  // a team of its own, so that the count does not depend on which tests ran before
  const erin = (await api.participant('erin@example.org', 'Team Erin')).token
  for (const seed of [3, 4, 8]) {
    const r = await api.submit(erin, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, seed) }])
    assert.equal(r.status, 202, JSON.stringify(r.body))
  }
  const over = await api.submit(erin, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 5) }])
  assert.equal(over.status, 429)
  assert.equal(over.body.error.code, 'quota_exceeded')
  assert.equal(over.body.error.limit, 3)
  const reset = new Date(
    Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1),
  ).toISOString()
  assert.equal(over.body.error.resets_at, reset)
  assert.ok(
    over.body.error.message.includes('3 valid submissions per team per UTC day') &&
      over.body.error.message.includes(reset),
    over.body.error.message,
  )
  const q = (await api.call('GET', 'boards/en-25/quota', { token: erin })).body
  assert.deepEqual(q, { limit: 3, used: 3, remaining: 0, resets_at: reset, team_used: 3, person_used: 3 })
})

test('`dataperf submit` uploads, waits for the score and prints it with the rank; `dataperf leaderboard` prints the table', async () => {
  const bob = (await api.participant('bob@example.org', 'Team Bob')).token
  const file = join(root, 'bob', 'en_25_train.json')
  await import('node:fs').then((fs) => {
    fs.mkdirSync(join(root, 'bob'))
    fs.writeFileSync(file, speechSelection(challenge, 11))
  })
  const r = await runCliAsync(
    ['submit', '--server', server.url, '--token', bob, '--board', 'en-25', '--method', 'bob random', file],
    root,
  )
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^ {2}seed 5: macro F1 0\.\d+$/m)
  const score = Number(/^Score: (\S+)$/m.exec(r.stdout)![1])
  const rank = Number(/^Rank: (\d+) on en-25/m.exec(r.stdout)![1])
  const board = (await api.call('GET', 'boards/en-25/leaderboard')).body
  const row = board.rows.find((x: { team: string }) => x.team === 'Team Bob')
  assert.equal(row.score, score)
  assert.equal(row.rank, rank)
  assert.match(r.stderr, /quota: 1 of 3 used today/)
  const table = await runCliAsync(['leaderboard', '--server', server.url, '--board', 'en-25'], root)
  assert.equal(table.code, 0, table.stderr)
  const lines = table.stdout.trim().split('\n')
  assert.match(lines[1]!, /^rank\s+team\s+method\s+score/)
  assert.equal(lines.length, 2 + board.rows.length)
  assert.ok(lines.some((l) => l.includes('Team Bob') && l.includes(score.toFixed(4))))
  // rows are ordered by score, ties to the earlier submission
  const scores = board.rows.map((x: { score: number }) => x.score)
  assert.deepEqual(
    scores,
    [...scores].sort((a: number, b: number) => b - a),
  )
  const csv = await api.call('GET', 'boards/en-25/leaderboard?format=csv')
  assert.equal(csv.status, 200)
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/)
  assert.equal(String(csv.body).trim().split('\n').length, 1 + board.rows.length)
})

test('server-sent events follow a submission to its score', async () => {
  const carol = (await api.participant('carol@example.org', 'Team Carol')).token
  const r = await api.submit(carol, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 21) }])
  const res = await fetch(`${server.url}/api/v1/submissions/${r.body.submission.id}/events`, {
    headers: { authorization: `Bearer ${carol}` },
  })
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/)
  const text = await res.text() // the server ends the stream once the submission is scored
  const events = text
    .split('\n\n')
    .filter((b) => b.startsWith('event: submission'))
    .map((b) => JSON.parse(b.split('\ndata: ')[1]!))
  assert.ok(events.length >= 2, text)
  assert.equal(events.at(-1).status, 'scored')
  assert.equal(typeof events.at(-1).score, 'number')
})

test('a signed manifest verifies with the server key, a tampered one does not; the audit chain verifies and a changed entry is detected', async () => {
  const subs = (await api.call('GET', 'teams/mine/submissions', { token: alice })).body.submissions
  const scored = subs.find((s: { status: string; board: string }) => s.status === 'scored' && s.board === 'en-25')
  const signed = (await api.call('GET', `submissions/${scored.id}/manifest`, { token: alice })).body
  const key = (await api.call('GET', 'public-key')).body as string
  assert.match(key, /BEGIN PUBLIC KEY/)
  assert.equal(signed.manifest.score, scored.score)
  assert.equal(signed.manifest.submission_sha256, scored.sha256)
  assert.ok(Object.keys(signed.manifest.data_files).some((f: string) => f.endsWith('eval.yaml')))
  assert.equal(verifyManifest(signed, key), true)
  assert.equal(
    verifyManifest({ ...signed, manifest: { ...signed.manifest, score: signed.manifest.score + 1e-9 } }, key),
    false,
  )

  const ok = await runCliAsync(['serve', 'audit-verify', '--challenge', challenge, '--db', dbFile], root)
  assert.equal(ok.code, 0, ok.stdout + ok.stderr)
  assert.match(ok.stdout, /^audit log OK: \d+ entries/)
  const db = new SQLite(dbFile)
  const kinds = db.prepare('select kind, count(*) n from audit_log group by kind').all() as Array<{
    kind: string
    n: number
  }>
  assert.ok(
    ['submission', 'score', 'quota'].every((k) => kinds.some((x) => x.kind === k)),
    JSON.stringify(kinds),
  )
  db.prepare(
    "update audit_log set payload = replace(payload, '\"quota_used\":1', '\"quota_used\":0') where seq = (select min(seq) from audit_log where kind = 'submission')",
  ).run()
  db.close()
  const broken = await runCliAsync(['serve', 'audit-verify', '--challenge', challenge, '--db', dbFile], root)
  assert.equal(broken.code, 1, broken.stdout + broken.stderr)
  assert.match(broken.stdout, /^audit log BROKEN at entry \d+/)
})

test('the OpenAPI document describes the API', async () => {
  const doc = (await api.call('GET', 'openapi.json')).body
  assert.match(doc.openapi, /^3\./)
  for (const path of [
    '/api/v1/boards/{board}/submissions',
    '/api/v1/submissions/{id}',
    '/api/v1/boards/{board}/leaderboard',
    '/api/v1/tokens',
    '/api/v1/auth/login',
  ]) {
    assert.ok(doc.paths[path], `${path} missing from ${Object.keys(doc.paths).join(', ')}`)
  }
  assert.ok(readdirSync(join(root, 'state', 'keys')).length >= 2)
})

test("the answers have exactly the wire schemas' fields, and the OpenAPI document publishes those schemas", async () => {
  const doc = (await api.call('GET', 'openapi.json')).body
  const published = (path: string, method: string, status: string) =>
    doc.paths[path][method].responses[status].content['application/json'].schema
  const fields = (schema: { properties: object }) => Object.keys(schema.properties).sort()
  // (the document writes "X or null" in OpenAPI 3.0's words, so fields and required lists are compared)
  const same = (path: string, method: string, status: string, schema: { properties: object; required?: string[] }) => {
    const p = published(path, method, status)
    assert.deepEqual(fields(p), fields(schema), `${method} ${path} ${status}`)
    assert.deepEqual([...p.required].sort(), [...(schema.required ?? [])].sort(), `${method} ${path} ${status}`)
  }
  same('/api/v1/submissions/{id}', 'get', '200', SubmissionViewSchema)
  same('/api/v1/boards/{board}/submissions', 'post', '202', SubmitResultSchema)
  same('/api/v1/boards/{board}/quota', 'get', '200', QuotaSchema)
  same('/api/v1/boards/{board}/leaderboard', 'get', '200', LeaderboardSchema)
  // a team of its own, so that this test needs no other test's submission or quota
  const { token } = await api.participant('wire@example.org', 'Team Wire')
  const r = await api.submit(token, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 9) }])
  assert.equal(r.status, 202, JSON.stringify(r.body))
  assert.deepEqual(Object.keys(r.body).sort(), fields(SubmitResultSchema))
  assert.deepEqual(Object.keys(r.body.submission).sort(), fields(SubmissionViewSchema))
  const scored = await api.waitScored(token, r.body.submission.id)
  assert.deepEqual(Object.keys(scored).sort(), fields(SubmissionViewSchema))
  const board = (await api.call('GET', 'boards/en-25/leaderboard')).body
  // every field the schema requires, and among the optional ones only those this query asks for (none)
  assert.deepEqual(Object.keys(board).sort(), [...LeaderboardSchema.required].sort())
  assert.ok(LeaderboardSchema.required.length < fields(LeaderboardSchema).length)
  assert.deepEqual(Object.keys(board.rows[0]).sort(), fields(LeaderboardRowSchema))
  assert.deepEqual(Object.keys(board.phase).sort(), fields(PhaseViewSchema))
})

test('organizers mark baseline rows and rescore a board after a data change: old scores kept, new ones shown, rank changes printed', async () => {
  await api.participant('organizer@example.org')
  assert.equal(
    (
      await runCliAsync(
        ['serve', 'make-organizer', 'organizer@example.org', '--challenge', challenge, '--db', dbFile],
        root,
      )
    ).code,
    0,
  )
  const login = await api.call('POST', 'auth/login', {
    json: { email: 'organizer@example.org', password: 'correct horse battery' },
  })
  const cookie = (login.headers.get('set-cookie') ?? '')
    .split(/,(?=\s*\w+=)/)
    .map((x) => x.split(';')[0]!.trim())
    .join('; ')
  const org = { cookie, 'x-csrf-token': login.body.csrf_token }
  const before = (await api.call('GET', 'boards/en-25/leaderboard')).body.rows as Array<{
    team: string
    submission_id: string
    score: number
  }>
  const bobRow = before.find((r) => r.team === 'Team Bob')!
  assert.equal(
    (await api.call('POST', `admin/submissions/${bobRow.submission_id}/baseline`, { token: alice })).status,
    403,
  )
  assert.equal(
    (await api.call('POST', `admin/submissions/${bobRow.submission_id}/baseline`, { headers: org, json: {} })).status,
    200,
  )
  const marked = (await api.call('GET', 'boards/en-25/leaderboard')).body.rows.find(
    (r: { submission_id: string }) => r.submission_id === bobRow.submission_id,
  )
  assert.deepEqual([marked.baseline, marked.rank], [true, null])

  // the data changes: two of the ten eval seeds remain
  const config = join(challenge, 'speech/dataperf_speech_config.yaml')
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace(/eval_random_seeds: \[[^\]]*\]/, 'eval_random_seeds: [5, 69]'),
  )
  const scoredBefore = await import('better-sqlite3').then(({ default: S }) => {
    const d = new S(dbFile, { readonly: true })
    const r = d
      .prepare("select id, score, details from submissions where board = 'en-25' and status = 'scored'")
      .all() as Array<{ id: string; score: number; details: string }>
    d.close()
    return r
  })
  const r = await runCliAsync(['serve', 'rescore', '--board', 'en-25', '--challenge', challenge, '--db', dbFile], root)
  assert.equal(r.code, 0, r.stdout + r.stderr)
  assert.match(r.stdout, new RegExp(`^rescored ${scoredBefore.length} submissions of en-25$`, 'm'))
  assert.match(r.stdout, /score 0\.\d+ -> 0\.\d+/)
  const d = new SQLite(dbFile, { readonly: true })
  for (const s of scoredBefore) {
    const rows = d
      .prepare('select score, details from scores where submission_id = ? order by created_at')
      .all(s.id) as Array<{ score: number; details: string }>
    assert.equal(rows.length, 2, 'the old score is kept beside the new one')
    assert.equal(rows[0]!.score, s.score)
    const now = d.prepare('select score, details from submissions where id = ?').get(s.id) as {
      score: number
      details: string
    }
    assert.equal(now.score, rows[1]!.score)
    const details = JSON.parse(now.details) as { seeds: number[]; perSeedF1: number[] }
    assert.deepEqual(details.seeds, [5, 69])
    const old = JSON.parse(s.details) as { perSeedF1: number[] }
    assert.deepEqual(details.perSeedF1, old.perSeedF1.slice(0, 2), 'the same seeds score the same')
  }
  d.close()
})

test('a job that fails shows the team its reason and gives the quota back; the same file is accepted again once the server is fixed', async () => {
  const dave = (await api.participant('dave@example.org', 'Team Dave')).token
  const evalFile = join(challenge, 'speech/data/dataperf_en_data/eval.yaml')
  const original = readFileSync(evalFile)
  const bytes = speechSelection(challenge, 31)
  writeFileSync(evalFile, 'targets: [unclosed\n')
  let failed
  try {
    const r = await api.submit(dave, 'en-25', [{ name: 'en_25_train.json', bytes }])
    assert.equal(r.status, 202, JSON.stringify(r.body))
    failed = await api.waitScored(dave, r.body.submission.id)
  } finally {
    writeFileSync(evalFile, original)
  }
  assert.equal(failed.status, 'failed')
  assert.match(failed.error, /eval\.yaml/)
  assert.ok(!failed.error.includes(challenge), `server path in: ${failed.error}`)
  assert.equal((await api.call('GET', 'boards/en-25/quota', { token: dave })).body.used, 0)
  const again = await api.submit(dave, 'en-25', [{ name: 'en_25_train.json', bytes }])
  assert.equal(again.status, 202)
  assert.equal(again.body.submission.id, failed.id)
  assert.equal(again.body.quota.used, 1)
  const scored = await api.waitScored(dave, failed.id)
  assert.equal(scored.status, 'scored', scored.error)
})
