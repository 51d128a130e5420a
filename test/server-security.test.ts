/**
 * What one participant must not reach: another team's submissions, files, manifests and tokens;
 * scores of a hidden board before it is published; any challenge data file, by any URL. And the
 * guards: CSRF on cookie sessions, rate limits, the upload size cap, secrets stored only hashed.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliAsync } from './helpers/cli.js'
import { Api, makeChallenge, speechSelection, startProc, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, challenge: string, dbFile: string, server: Proc, api: Api
let a: { token: string; teamId?: string }, b: { token: string; teamId?: string }
let aSubmission: string

before(async () => {
  root = tempFolder('server-security')
  challenge = makeChallenge(join(root, 'challenge'), { dailyLimit: 5, seeds: [5] })
  dbFile = join(root, 'state', 'server.sqlite')
  server = await startProc(
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
      '--max-upload-mb',
      '1',
      // every password check from this one address shares a bucket; the tests make about 15
      '--login-limit',
      '20',
    ],
    root,
  )
  api = new Api(server.url)
  a = await api.participant('a@example.org', 'Team A')
  b = await api.participant('b@example.org', 'Team B')
  const r = await api.submit(a.token, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 1) }])
  aSubmission = r.body.submission.id
  await api.waitScored(a.token, aSubmission)
})

after(async () => {
  await server?.stop()
})

test("team B cannot read team A's submission, its files, its manifest, its events, or A's tokens", async () => {
  for (const path of [
    `submissions/${aSubmission}`,
    `submissions/${aSubmission}/files/0`,
    `submissions/${aSubmission}/manifest`,
    `submissions/${aSubmission}/events`,
  ]) {
    const own = await api.call('GET', path, { token: a.token })
    assert.equal(own.status, 200, `${path} for its team`)
    const other = await api.call('GET', path, { token: b.token })
    assert.equal(other.status, 404, `${path} for another team: ${other.status}`)
    assert.ok(!JSON.stringify(other.body).includes(String(own.body.score ?? 'no score')), path)
    const anonymous = await api.call('GET', path)
    assert.equal(anonymous.status, 401, path)
  }
  const bSubs = (await api.call('GET', 'teams/mine/submissions', { token: b.token })).body.submissions
  assert.equal(bSubs.length, 0)
  const aTokens = (await api.call('GET', 'tokens', { token: a.token })).body.tokens
  const bTokens = (await api.call('GET', 'tokens', { token: b.token })).body.tokens
  assert.equal(aTokens.length, 1)
  assert.ok(!bTokens.some((t: { id: string }) => t.id === aTokens[0].id))
  assert.ok(!JSON.stringify(aTokens).includes(a.token), 'token list shows no secret')
  assert.equal((await api.call('DELETE', `tokens/${aTokens[0].id}`, { token: b.token })).status, 404)
  assert.equal((await api.call('GET', 'me', { token: a.token })).status, 200, "A's token still works")
})

test('team invitations: listed to members without their codes, hidden from and not withdrawable by another team; a withdrawn or used code no longer joins', async () => {
  const made = await api.call('POST', `teams/${a.teamId}/invites`, { token: a.token })
  assert.equal(made.status, 201)
  const second = await api.call('POST', `teams/${a.teamId}/invites`, { token: a.token })
  const listed = await api.call('GET', `teams/${a.teamId}/invites`, { token: a.token })
  assert.equal(listed.status, 200)
  assert.equal(listed.body.invites.length, 2)
  assert.ok(
    !JSON.stringify(listed.body).includes(made.body.code) && !JSON.stringify(listed.body).includes(second.body.code),
    'the list shows no code',
  )
  assert.equal(listed.body.invites[0].created_by, 'a')
  assert.equal(listed.body.invites[0].expires_at, second.body.expires_at, 'newest first')
  // another team neither sees nor withdraws them
  assert.equal((await api.call('GET', `teams/${a.teamId}/invites`, { token: b.token })).status, 403)
  assert.equal(
    (await api.call('DELETE', `teams/${a.teamId}/invites/${listed.body.invites[1].id}`, { token: b.token })).status,
    403,
  )
  assert.equal(
    (await api.call('DELETE', `teams/${b.teamId}/invites/${listed.body.invites[1].id}`, { token: b.token })).status,
    404,
    "B's own team has no such invitation",
  )
  // withdrawn: the code no longer joins, and it leaves the list
  assert.equal(
    (await api.call('DELETE', `teams/${a.teamId}/invites/${listed.body.invites[1].id}`, { token: a.token })).status,
    200,
  )
  const c = await api.participant('c@example.org')
  const refused = await api.call('POST', 'teams/join', { token: c.token, json: { code: made.body.code } })
  assert.equal(refused.status, 403)
  assert.match(refused.body.error.message, /unknown, used or expired/)
  // used: the other code joins once, then leaves the list
  assert.equal((await api.call('POST', 'teams/join', { token: c.token, json: { code: second.body.code } })).status, 200)
  assert.equal((await api.call('GET', `teams/${a.teamId}/invites`, { token: a.token })).body.invites.length, 0)
  assert.equal(
    (await api.call('DELETE', `teams/${a.teamId}/invites/${listed.body.invites[0].id}`, { token: a.token })).status,
    404,
    'a used invitation cannot be withdrawn',
  )
  assert.equal((await api.call('POST', 'teams/leave', { token: c.token })).status, 200)
})

test('no URL reaches challenge data: paths, traversal, encoded slashes and dots', async () => {
  const secret = readFileSync(join(challenge, 'speech/data/dataperf_en_data/eval.yaml'), 'utf8')
    .split('\n')
    .find((l) => l.includes('.wav'))!
    .trim()
    .replace(/^- /, '')
  const paths = [
    '/challenge.yaml',
    '/speech/data/dataperf_en_data/eval.yaml',
    '/api/v1/../challenge.yaml',
    '/api/v1/%2e%2e/%2e%2e/challenge.yaml',
    '/api/v1/boards/..%2F..%2Fchallenge.yaml/leaderboard',
    '/api/v1/boards/%2e%2e%2fspeech/quota',
    '/api/v1/submissions/..%2F..%2Fchallenge.yaml',
    `/api/v1/submissions/${aSubmission}/files/..%2F..%2F..%2Fchallenge.yaml`,
    `/api/v1/submissions/${aSubmission}/files/-1`,
    '/..%2f..%2fspeech%2fdata%2fdataperf_en_data%2feval.yaml',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/api/v1/boards/en-25/leaderboard?phase=../../challenge.yaml',
    '/api/v1/challenge/../../speech/dataperf_speech_config.yaml',
  ]
  for (const path of paths) {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // raw request: no client-side normalisation of the path
      const req = request(
        { host: '127.0.0.1', port: new URL(server.url).port, path, headers: { authorization: `Bearer ${a.token}` } },
        (r) => {
          let body = ''
          r.on('data', (d: Buffer) => (body += d))
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }))
        },
      )
      req.on('error', reject)
      req.end()
    })
    assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`)
    assert.ok(
      !res.body.includes(secret) &&
        !res.body.includes('eval_random_seeds') &&
        !res.body.includes('data_dir') &&
        !res.body.includes('root:'),
      `${path} leaked: ${res.body.slice(0, 200)}`,
    )
  }
  const c = (await api.call('GET', 'challenge')).body
  assert.ok(!JSON.stringify(c).includes(challenge), 'no server path in the challenge description')
})

test('a hidden board: participants see neither the board nor their scores until an organizer publishes it', async () => {
  await api.participant('org@example.org')
  const made = await runCliAsync(
    ['serve', 'make-organizer', 'org@example.org', '--challenge', challenge, '--db', dbFile],
    root,
  )
  assert.equal(made.code, 0, made.stderr)
  const org = await api.call('POST', 'auth/login', {
    json: { email: 'org@example.org', password: 'correct horse battery' },
  })
  const cookie = (org.headers.get('set-cookie') ?? '')
    .split(/,(?=\s*\w+=)/)
    .map((x) => x.split(';')[0]!.trim())
    .join('; ')
  const orgHeaders = { cookie, 'x-csrf-token': org.body.csrf_token }
  assert.equal(
    (await api.call('PATCH', 'admin/phases/open', { token: a.token, json: { leaderboard: 'hidden' } })).status,
    403,
    'participants cannot change phases',
  )
  const patched = await api.call('PATCH', 'admin/phases/open', { headers: orgHeaders, json: { leaderboard: 'hidden' } })
  assert.equal(patched.status, 200, JSON.stringify(patched.body))
  for (const token of [a.token, b.token, undefined]) {
    const board = await api.call('GET', 'boards/en-25/leaderboard', { token })
    assert.equal(board.status, 403)
    assert.equal((await api.call('GET', 'boards/en-25/leaderboard?format=csv', { token })).status, 403)
  }
  const own = (await api.call('GET', `submissions/${aSubmission}`, { token: a.token })).body
  assert.deepEqual([own.status, own.score, own.details, own.rank, own.score_hidden], ['scored', null, null, null, true])
  assert.equal((await api.call('GET', `submissions/${aSubmission}/manifest`, { token: a.token })).status, 409)
  const orgBoard = await api.call('GET', 'boards/en-25/leaderboard', { headers: orgHeaders })
  assert.equal(orgBoard.status, 200)
  assert.equal(orgBoard.body.rows.length, 1)
  assert.equal((await api.call('POST', 'admin/boards/en-25/publish', { token: b.token })).status, 403)
  assert.equal((await api.call('POST', 'admin/boards/en-25/publish', { headers: orgHeaders })).status, 200)
  const published = await api.call('GET', 'boards/en-25/leaderboard')
  assert.equal(published.status, 200)
  assert.equal(published.body.rows[0].score, orgBoard.body.rows[0].score)
  const audit = await api.call('GET', 'admin/audit', { headers: orgHeaders })
  assert.equal(audit.body.chain.ok, true)
  assert.ok(['role', 'phase', 'publish'].every((k) => audit.body.entries.some((e: { kind: string }) => e.kind === k)))
  assert.equal((await api.call('GET', 'admin/audit', { token: a.token })).status, 403)
})

test("CSRF: a state-changing request with the session cookie needs the session's token; cookies are HttpOnly and SameSite", async () => {
  const login = await api.call('POST', 'auth/login', {
    json: { email: 'b@example.org', password: 'correct horse battery' },
  })
  const setCookie = login.headers.get('set-cookie') ?? ''
  assert.match(setCookie, /dataperf_session=[^;]+;.*HttpOnly/i)
  assert.match(setCookie, /dataperf_session=[^;]+;.*SameSite=Lax/i)
  const cookie = setCookie
    .split(/,(?=\s*\w+=)/)
    .map((x) => x.split(';')[0]!.trim())
    .join('; ')
  const none = await api.call('POST', 'tokens', { headers: { cookie }, json: { name: 'x' } })
  assert.equal(none.status, 403)
  assert.equal(none.body.error.code, 'csrf')
  const forged = await api.call('POST', 'tokens', {
    headers: { cookie, 'x-csrf-token': 'forged' },
    json: { name: 'x' },
  })
  assert.equal(forged.status, 403)
  // a token of another session does not fit this one
  const other = await api.call('POST', 'auth/login', {
    json: { email: 'a@example.org', password: 'correct horse battery' },
  })
  assert.equal(
    (
      await api.call('POST', 'tokens', {
        headers: { cookie, 'x-csrf-token': other.body.csrf_token },
        json: { name: 'x' },
      })
    ).status,
    403,
  )
  const ok = await api.call('POST', 'tokens', {
    headers: { cookie, 'x-csrf-token': login.body.csrf_token },
    json: { name: 'x' },
  })
  assert.equal(ok.status, 201)
  // scripts get a token with email and password in the body (no cookie, so nothing to forge)
  assert.equal(
    (await api.call('POST', 'tokens', { json: { name: 'script', email: 'b@example.org', password: 'wrong password' } }))
      .status,
    401,
  )
  const scripted = await api.call('POST', 'tokens', {
    json: { name: 'script', email: 'b@example.org', password: 'correct horse battery' },
  })
  assert.equal(scripted.status, 201)
  assert.equal((await api.call('GET', 'me', { token: scripted.body.token })).body.user.email, 'b@example.org')
})

test('uploads over the size cap are refused (413) whether the length is declared or streamed, and cost nothing', async () => {
  const big = Buffer.alloc(1.5 * 1024 * 1024, 0x20)
  const declared = await api.submit(b.token, 'en-25', [{ name: 'en_25_train.json', bytes: big }])
  assert.equal(declared.status, 413)
  assert.equal(declared.body.error.code, 'too_large')
  const streamed = await new Promise<number>((resolve, reject) => {
    const boundary = 'xyz'
    const req = request(
      {
        host: '127.0.0.1',
        port: new URL(server.url).port,
        path: '/api/v1/boards/en-25/submissions',
        method: 'POST',
        headers: {
          authorization: `Bearer ${b.token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'transfer-encoding': 'chunked',
        },
      },
      (r) => {
        r.resume()
        resolve(r.statusCode ?? 0)
      },
    )
    req.on('error', (err) =>
      (err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET'
        ? resolve(413)
        : reject(err),
    )
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="method"\r\n\r\nm\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="en_25_train.json"\r\n\r\n`,
    )
    req.write(big)
    req.end(`\r\n--${boundary}--\r\n`)
  })
  assert.equal(streamed, 413)
  const q = (await api.call('GET', 'boards/en-25/quota', { token: b.token })).body
  assert.equal(q.used, 0)
})

test('passwords, API tokens and session cookies are not stored in clear', async () => {
  const bytes = Buffer.concat([dbFile, `${dbFile}-wal`].filter(existsSync).map((f) => readFileSync(f)))
  assert.ok(bytes.length > 0)
  for (const secret of ['correct horse battery', a.token, b.token])
    assert.equal(bytes.indexOf(secret), -1, `found ${secret.slice(0, 12)}… in the database`)
  assert.ok(bytes.indexOf('scrypt$') >= 0, 'passwords are scrypt hashes')
})

test('rate limits: submissions per user, and log-in attempts (a correct password is refused too once over)', async () => {
  let limited
  for (let i = 0; i < 40 && !limited; i++) {
    const r = await api.submit(b.token, 'en-25', [{ name: 'en_25_train.json', bytes: Buffer.from('{}') }])
    if (r.status === 429) limited = r
    else assert.equal(r.status, 400)
  }
  assert.ok(limited, 'no 429 after 40 submissions in a minute')
  assert.equal(limited.body.error.code, 'rate_limited')
  assert.equal((await api.call('GET', 'boards/en-25/quota', { token: b.token })).body.used, 0)
  let status = 0
  for (let i = 0; i < 25 && status !== 429; i++)
    status = (await api.call('POST', 'auth/login', { json: { email: 'a@example.org', password: `wrong ${i}` } })).status
  assert.equal(status, 429)
  assert.equal(
    (await api.call('POST', 'auth/login', { json: { email: 'a@example.org', password: 'correct horse battery' } }))
      .status,
    429,
  )
})
