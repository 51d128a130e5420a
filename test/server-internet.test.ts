/**
 * `dataperf serve` as an organizer puts it on the internet, tried the way an attacker would, over
 * real HTTP on loopback: where a log-in may send the browser next, the security headers, log-in
 * CSRF, the shared rate-limit buckets and the account lockout, slow and greedy clients, malformed
 * bodies, and the forms' post/redirect/get. Two servers (SQLite, no workers: nothing here is
 * scored): one behind a "proxy" (--trust-proxy, so each test speaks from its own X-Forwarded-For
 * address and gets its own buckets), one reached directly with short timeouts.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Api, makeChallenge, sleep, speechSelection, startProc, type Proc } from './helpers/server.js'
import { pageText, WebClient } from './helpers/web-client.js'
import { tempFolder } from './helpers/temp-folder.js'

const PASSWORD = 'correct horse battery'
let root: string, challenge: string, proxied: Proc, direct: Proc

before(async () => {
  root = tempFolder('internet')
  challenge = makeChallenge(join(root, 'challenge'), { dailyLimit: 50, seeds: [5] })
  const serve = (state: string, flags: string[]) =>
    startProc(
      ['serve', '--challenge', challenge, '--state', join(root, state), '--port', '0', '--workers', '0', ...flags],
      root,
    )
  ;[proxied, direct] = await Promise.all([
    serve('proxied', ['--login-limit', '6', '--lockout-seconds', '1', '--trust-proxy']),
    serve('direct', [
      '--login-limit',
      '100',
      '--submit-limit',
      '4',
      '--max-upload-mb',
      '1',
      '--request-timeout',
      '4',
      '--idle-timeout',
      '2',
      '--max-connections-per-address',
      '20',
    ]),
  ])
})

after(async () => {
  await Promise.all([proxied?.stop(), direct?.stop()])
})

/** A visitor behind the proxy, speaking from its own address. */
const from = (address: string) => new WebClient(proxied.url, { 'x-forwarded-for': address })

/** A multipart body in the order given (the submit form sends its _csrf field first). */
function multipart(fields: Array<[string, string] | [string, Buffer, string]>): FormData {
  const form = new FormData()
  for (const f of fields) {
    if (f.length === 2) form.append(f[0], f[1])
    else form.append(f[0], new Blob([new Uint8Array(f[1])]), f[2])
  }
  return form
}

test('after logging in, ?next= leads only to a path on this server: look-alike and other-host values go home', async () => {
  await from('203.0.113.1').signUp('redirect@example.org', 'Redirect', PASSWORD)
  const evil = ['/\\evil.example', '/\t/evil.example', '//evil.example', 'https://evil.example/x', '/.//evil.example']
  for (const [i, next] of [...evil, 'javascript:alert(1)'].entries()) {
    const r = await from(`203.0.113.${10 + i}`).logIn('redirect@example.org', PASSWORD, next)
    assert.equal(r.status, 303, next)
    assert.equal(r.location, '/', `next=${JSON.stringify(next)} led to ${r.location}`)
  }
  const visitor = from('203.0.113.30')
  const ok = await visitor.logIn('redirect@example.org', PASSWORD, '/team?tab=tokens')
  assert.equal(ok.location, '/team?tab=tokens', 'a path on this server is followed')
  // already logged in: GET /login?next=... redirects at once, by the same rule
  for (const next of evil) {
    const r = await visitor.get(`/login?next=${encodeURIComponent(next)}`)
    assert.equal(r.status, 303)
    assert.equal(r.location, '/', next)
  }
})

test('every answer carries the security headers (CSP without inline script, no framing, nosniff, referrer policy); HSTS only behind a TLS proxy', async () => {
  const api = new Api(direct.url)
  for (const path of [
    '/',
    '/login',
    '/leaderboards',
    '/no-such-page',
    '/api/v1/challenge',
    '/api/v1/nope',
    '/assets/app.js',
  ]) {
    const r = await api.call('GET', path)
    const csp = r.headers.get('content-security-policy') ?? ''
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/)
        return [name!, values.join(' ')] as const
      }),
    )
    assert.equal(directives.get('script-src'), "'self'", `${path}: ${csp}`)
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), `${path}: ${csp}`)
    assert.equal(directives.get('frame-ancestors'), "'none'", path)
    assert.equal(directives.get('object-src'), "'none'", path)
    assert.equal(r.headers.get('x-frame-options'), 'DENY', path)
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path)
    assert.equal(r.headers.get('referrer-policy'), 'same-origin', path)
    assert.equal(r.headers.get('strict-transport-security'), null, `${path}: no HSTS over plain HTTP`)
  }
  const behindTls = await from('203.0.113.40').request('GET', '/', { headers: { 'x-forwarded-proto': 'https' } })
  assert.match(behindTls.headers.get('strict-transport-security') ?? '', /max-age=\d{7,}/)
  assert.match(behindTls.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/)
  // the session cookie is Secure when the visitor came over HTTPS (through the proxy)
  const tls = new WebClient(proxied.url, { 'x-forwarded-for': '203.0.113.41', 'x-forwarded-proto': 'https' })
  const signup = await tls.postForm('/signup', {
    _csrf: await tls.csrfFrom('/signup'),
    email: 'tls@example.org',
    name: 'Tls',
    password: PASSWORD,
  })
  assert.equal(signup.status, 303)
  assert.match(signup.headers.getSetCookie().find((c) => c.startsWith('dataperf_session=')) ?? '', /;\s*Secure/i)
})

test('log-in and sign-up forms refuse a post without their pre-session CSRF token: another site cannot log a visitor into its account', async () => {
  await from('198.51.100.1').signUp('mallory@example.org', 'Mallory', PASSWORD)
  // a cross-site form post: no token, no cookie of this site
  const forged = await from('198.51.100.2').postForm('/login', { email: 'mallory@example.org', password: PASSWORD })
  assert.equal(forged.status, 403)
  assert.ok(
    !forged.headers.getSetCookie().some((c) => c.startsWith('dataperf_session=')),
    'no session for a forged post',
  )
  assert.match(pageText(forged.text), /came from another site/)
  // a token taken by the attacker in its own browser does not fit the victim's
  const attacker = from('198.51.100.3')
  const token = await attacker.csrfFrom('/login')
  const victim = from('198.51.100.4')
  await victim.get('/login') // the victim's own CSRF secret cookie
  const replayed = await victim.postForm('/login', { _csrf: token, email: 'mallory@example.org', password: PASSWORD })
  assert.equal(replayed.status, 403)
  assert.ok(!victim.cookies.has('dataperf_session'))
  // sign-up likewise: no account is made
  const signup = await from('198.51.100.5').postForm('/signup', {
    email: 'forged@example.org',
    name: 'Forged',
    password: PASSWORD,
  })
  assert.equal(signup.status, 403)
  assert.equal((await from('198.51.100.6').logIn('forged@example.org', PASSWORD)).status, 401)
  // the API's log-in takes JSON only: a form post (all a cross-site page can send without CORS) is refused
  const api = await from('198.51.100.7').postForm('/api/v1/auth/login', {
    email: 'mallory@example.org',
    password: PASSWORD,
  })
  assert.equal(api.status, 415)
  assert.ok(!api.headers.getSetCookie().some((c) => c.startsWith('dataperf_session=')))
  // the real form, with its token, logs in
  const real = await victim.logIn('mallory@example.org', PASSWORD)
  assert.equal(real.status, 303)
  assert.ok(victim.cookies.has('dataperf_session'))
})

test('one bucket per address for every password check (API log-in, token, sign-up, web log-in and sign-up); other addresses keep theirs', async () => {
  await from('192.0.2.1').signUp('bucket@example.org', 'Bucket', PASSWORD)
  const ip = '192.0.2.50'
  const api = new Api(proxied.url)
  const h = { 'x-forwarded-for': ip }
  const wrong = { email: 'bucket@example.org', password: 'wrong password' }
  const web = from(ip)
  const statuses = [
    (await api.call('POST', 'auth/login', { json: wrong, headers: h })).status,
    (await api.call('POST', 'tokens', { json: { name: 't', ...wrong }, headers: h })).status,
    (await api.call('POST', 'auth/signup', { json: { email: 'x', name: 'x', password: 'x' }, headers: h })).status,
    (await web.logIn('bucket@example.org', 'wrong password')).status,
    (
      await web.postForm('/signup', {
        _csrf: await web.csrfFrom('/signup'),
        email: 'y@example.org',
        name: 'y',
        password: 'short',
      })
    ).status,
    (await api.call('POST', 'auth/login', { json: wrong, headers: h })).status,
  ]
  assert.deepEqual(statuses, [401, 401, 400, 401, 400, 401], 'the first 6 checks (--login-limit 6) are answered')
  const page = await web.logIn('bucket@example.org', PASSWORD)
  assert.equal(page.status, 429, 'the 7th, on yet another route, is over the limit')
  assert.match(pageText(page.text), /Too many attempts from here/)
  const json = await api.call('POST', 'auth/login', { json: { ...wrong, password: PASSWORD }, headers: h })
  assert.equal(json.status, 429)
  // another address behind the same proxy has its own bucket
  const other = await api.call('POST', 'auth/login', {
    json: { ...wrong, password: PASSWORD },
    headers: { 'x-forwarded-for': '192.0.2.51' },
  })
  assert.equal(other.status, 200)
})

test('an account locks after 5 wrong passwords in a row, whatever the address; the lock doubles with each further one; the right password then clears it', async () => {
  await from('192.0.2.60').signUp('lock@example.org', 'Lock', PASSWORD)
  const api = new Api(proxied.url)
  const attempt = (password: string, n: number) =>
    api.call('POST', 'auth/login', {
      json: { email: 'lock@example.org', password },
      headers: { 'x-forwarded-for': `192.0.2.${70 + n}` }, // a new address each time: the buckets do not stop this
    })
  for (let i = 0; i < 4; i++) assert.equal((await attempt(`wrong ${i}`, i)).status, 401)
  const fifth = await attempt('wrong 4', 4)
  assert.equal(fifth.status, 429)
  assert.equal(fifth.body.error.code, 'account_locked')
  assert.match(fifth.body.error.message, /5 wrong passwords in a row: this account refuses log-ins for 1 s/)
  const right = await attempt(PASSWORD, 5)
  assert.equal(right.status, 429, 'the right password is refused while locked')
  const page = await from('192.0.2.80').logIn('lock@example.org', PASSWORD)
  assert.equal(page.status, 429)
  assert.match(pageText(page.text), /this account refuses log-ins for 1 s/i)
  await sleep(1100)
  const sixth = await attempt('wrong 5', 6)
  assert.equal(sixth.status, 429)
  assert.match(sixth.body.error.message, /6 wrong passwords in a row: this account refuses log-ins for 2 s/)
  await sleep(2100)
  assert.equal((await attempt(PASSWORD, 7)).status, 200)
  assert.equal((await attempt('wrong again', 8)).status, 401, 'the count starts again after a right password')
})

test('one bucket per user for every upload, through the API and the submit form', async () => {
  const api = new Api(direct.url)
  const up = await api.participant('uploads@example.org', 'Uploads')
  const web = new WebClient(direct.url)
  assert.equal((await web.logIn('uploads@example.org', PASSWORD)).status, 303)
  const bad = [{ name: 'en_25_train.json', bytes: Buffer.from('{}') }]
  const webSubmit = async () =>
    web.request('POST', '/submit', {
      body: multipart([
        ['_csrf', await web.csrfFrom('/submit')],
        ['board', 'en-25'],
        ['method', 'm'],
        ['file', Buffer.from('{}'), 'en_25_train.json'],
      ]),
    })
  const statuses = [
    (await api.submit(up.token, 'en-25', bad)).status,
    (await webSubmit()).status,
    (await api.submit(up.token, 'en-25', bad)).status,
    (await webSubmit()).status,
  ]
  assert.deepEqual(statuses, [400, 400, 400, 400], 'the first 4 uploads (--submit-limit 4) are checked')
  const page = await webSubmit()
  assert.equal(page.status, 429)
  assert.match(pageText(page.text), /too many uploads in a short time/i)
  assert.match(page.text, /<form method="post" action="\/submit"/, 'the form is kept')
  const json = await api.submit(up.token, 'en-25', bad)
  assert.equal(json.status, 429)
  assert.equal(json.body.error.code, 'rate_limited')
  // another user's uploads are not counted with these
  const other = await api.participant('other-uploads@example.org', 'Other uploads')
  assert.equal((await api.submit(other.token, 'en-25', bad)).status, 400)
})

/** Opens a raw connection to the direct server; resolves with it and a promise of its end (ms after opening). */
function rawSocket(): Promise<{ socket: Socket; ended: Promise<{ ms: number; data: string }> }> {
  const { hostname, port } = new URL(direct.url)
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = connect({ host: hostname, port: Number(port) })
    let data = ''
    socket.on('data', (d) => (data += d.toString()))
    const ended = new Promise<{ ms: number; data: string }>((r) =>
      socket.on('close', () => r({ ms: Date.now() - started, data })),
    )
    socket.once('connect', () => resolve({ socket, ended }))
    socket.once('error', (err) => {
      if (!socket.connecting) return
      reject(err)
    })
  })
}

test('slow clients: a trickling body is cut at --request-timeout, a stalled one at --idle-timeout; one address holds at most --max-connections-per-address', async () => {
  // 1 byte every 0.5 s: always moving, never done
  const trickle = await rawSocket()
  trickle.socket.write(
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
  )
  const drip = setInterval(() => trickle.socket.writable && trickle.socket.write('{'), 500)
  // headers, a few bytes of the body, then nothing
  const stalled = await rawSocket()
  stalled.socket.write(
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"em',
  )
  const [t, s] = await Promise.all([trickle.ended, stalled.ended])
  clearInterval(drip)
  assert.ok(t.ms >= 3500 && t.ms < 7000, `the trickle was cut after ${t.ms} ms (request timeout 4 s)`)
  assert.ok(s.ms >= 1500 && s.ms < 3800, `the stalled body was cut after ${s.ms} ms (idle timeout 2 s)`)

  // 25 connections from one address: 20 stay, 5 are closed at once
  const sockets = await Promise.all(Array.from({ length: 25 }, () => rawSocket()))
  const closedAtOnce = await Promise.all(
    sockets.map((c) => Promise.race([c.ended.then(() => true), sleep(700).then(() => false)])),
  )
  assert.equal(closedAtOnce.filter(Boolean).length, 5)
  const api = new Api(direct.url)
  await assert.rejects(fetch(`${direct.url}/api/v1/challenge`), 'the cap holds for a new connection too')
  for (const c of sockets) c.socket.destroy()
  await sleep(200)
  assert.equal((await api.call('GET', 'challenge')).status, 200, 'once they close, the address is served again')
})

test('an event stream outlives the idle timeout: it is kept moving by comments', async () => {
  const api = new Api(direct.url)
  const p = await api.participant('stream@example.org', 'Stream')
  const r = await api.submit(p.token, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 1) }])
  assert.equal(r.status, 202) // no worker on this server: it stays queued
  const res = await fetch(`${direct.url}/api/v1/submissions/${r.body.submission.id}/events`, {
    headers: { authorization: `Bearer ${p.token}` },
  })
  const reader = res.body!.getReader()
  let text = ''
  const started = Date.now()
  while (Date.now() - started < 3000) {
    const chunk = await Promise.race([reader.read(), sleep(3200).then(() => undefined)])
    if (!chunk || chunk.done) break
    text += new TextDecoder().decode(chunk.value)
  }
  assert.ok(Date.now() - started >= 3000, `the stream ended after ${Date.now() - started} ms (idle timeout 2 s)`)
  assert.match(text, /event: submission/)
  assert.match(text, /: ping/)
  await reader.cancel()
})

test('malformed multipart, compressed bodies, over-long fields and too many files get a 4xx and a sentence, never a 500', async () => {
  const api = new Api(direct.url)
  // two users: each has 4 uploads a minute on this server (--submit-limit 4)
  const p = await api.participant('bodies@example.org', 'Bodies')
  const q = await api.participant('fields@example.org', 'Fields')
  const raw = async (body: Buffer | string, headers: Record<string, string>) => {
    const res = await fetch(`${direct.url}/api/v1/boards/en-25/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}`, ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    })
    return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } }
  }
  const cut =
    '--xyz\r\nContent-Disposition: form-data; name="method"\r\n\r\nm\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="en_25_train.json"\r\n\r\n{}'
  const early = await raw(cut, { 'content-type': 'multipart/form-data; boundary=xyz' })
  assert.equal(early.status, 400)
  assert.equal(early.body.error.code, 'bad_multipart')
  assert.match(early.body.error.message, /not a well-formed multipart\/form-data body/)
  const noBoundary = await raw(cut, { 'content-type': 'multipart/form-data' })
  assert.equal(noBoundary.status, 400)
  const gzip = await raw(gzipSync(cut), {
    'content-type': 'multipart/form-data; boundary=xyz',
    'content-encoding': 'gzip',
  })
  assert.equal(gzip.status, 415)
  assert.match(gzip.body.error.message, /taken uncompressed; this one says Content-Encoding: gzip/)
  const gzipJson = await fetch(`${direct.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: new Uint8Array(gzipSync('{"email":"a","password":"b"}')),
  })
  assert.equal(gzipJson.status, 415)

  const file = speechSelection(challenge, 2)
  const link = `https://example.org/${'a'.repeat(29_999)}`
  assert.equal(link.length, 30_019)
  const form = (extra: Array<[string, string]>, files = 1) =>
    multipart([
      ['method', 'm'],
      ...extra,
      ...Array.from({ length: files }, () => ['file', file, 'en_25_train.json'] as [string, Buffer, string]),
    ])
  const send = async (body: FormData) => {
    const res = await fetch(`${direct.url}/api/v1/boards/en-25/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${q.token}` },
      body,
    })
    return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } }
  }
  const longLink = await send(form([['link', link]]))
  assert.equal(longLink.status, 400)
  assert.equal(longLink.body.error.message, 'link: at most 2000 characters; this one has 30019')
  const longDescription = await send(form([['description', 'd'.repeat(70_000)]]))
  assert.equal(longDescription.status, 400)
  assert.match(longDescription.body.error.message, /^description: too long/)
  const many = await send(form([], 25))
  assert.equal(many.status, 413)
  assert.equal(many.body.error.code, 'too_many_files')
  assert.match(many.body.error.message, /^too many files: a submission has at most 20 files/)
  assert.equal((await api.call('GET', 'teams/mine/submissions', { token: q.token })).body.submissions.length, 0)

  // the submit form says the same on its page, next to the field
  const web = new WebClient(direct.url)
  await web.logIn('fields@example.org', PASSWORD)
  const page = await web.request('POST', '/submit', {
    body: multipart([
      ['_csrf', await web.csrfFrom('/submit')],
      ['board', 'en-25'],
      ['method', 'm'],
      ['link', link],
      ['file', file, 'en_25_train.json'],
    ]),
  })
  assert.equal(page.status, 400)
  assert.match(pageText(page.text), /At most 2000 characters; this one has 30019/)
  assert.ok(!/\n\s+at /.test(direct.output()), `no stack in the server log:\n${direct.output()}`)
})

test('forms: a new token or invitation is shown after a redirect (a reload repeats nothing); the CSRF token never travels in a URL; an oversize upload keeps the form and says the sizes', async () => {
  const web = new WebClient(direct.url)
  await web.signUp('forms@example.org', 'Forms', PASSWORD)
  const made = await web.postForm('/team', { _csrf: await web.csrfFrom('/team'), name: 'Forms team' })
  assert.equal(made.status, 303)
  for (const [path, shown] of [
    ['/team/tokens', /Copy it now: it is shown only this once/],
    ['/team/invites', /New invitation code/],
  ] as const) {
    const r = await web.postForm(path, { _csrf: await web.csrfFrom('/team'), name: 'laptop' })
    assert.equal(r.status, 303, path)
    assert.equal(r.location, '/team')
    const first = await web.get('/team')
    assert.match(pageText(first.text), shown)
    const reload = await web.get('/team')
    assert.doesNotMatch(pageText(reload.text), shown, `${path}: shown once`)
  }
  const tokens = (await web.get('/api/v1/tokens')).text
  assert.equal((JSON.parse(tokens) as { tokens: unknown[] }).tokens.length, 1, 'one token, made once')

  const form = await web.get('/submit')
  assert.match(form.text, /<form method="post" action="\/submit" enctype="multipart\/form-data"/)
  assert.doesNotMatch(form.text, /[?&]_csrf=/)
  // a form whose first field is not the token is refused before anything is read
  const unsigned = await web.request('POST', '/submit', {
    body: multipart([
      ['board', 'en-25'],
      ['_csrf', await web.csrfFrom('/submit')],
    ]),
  })
  assert.equal(unsigned.status, 403)
  // an upload declaring 1.5 MB against a 1 MB cap: the form comes back with the sizes
  const big = await web.request('POST', '/submit', {
    body: multipart([
      ['_csrf', await web.csrfFrom('/submit')],
      ['board', 'en-25'],
      ['method', 'kept?'],
      ['file', Buffer.alloc(1.5 * 1024 * 1024, 0x20), 'en_25_train.json'],
    ]),
  })
  assert.equal(big.status, 413)
  assert.match(pageText(big.text), /upload too large: 1\.5 MB; the limit is 1 MB per submission/)
  assert.match(big.text, /<form method="post" action="\/submit"/)
  assert.doesNotMatch(big.text, /[?&]_csrf=/)
})
