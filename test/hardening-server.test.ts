/**
 * Issue 23 item 4 on the server: a refusal names the request field at fault (`error.field` in the
 * API), and the web form puts the message next to that field from `err.field`, not from the
 * message's wording. A real `dataperf serve` on loopback (SQLite).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Api, makeChallenge, speechSelection, startProc, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string
let challenge: string
let server: Proc
let api: Api
let token: string

before(async () => {
  root = tempFolder('hardening-server')
  challenge = makeChallenge(join(root, 'challenge'), { seeds: [5] })
  server = await startProc(
    ['serve', '--challenge', challenge, '--state', join(root, 'state'), '--port', '0', '--workers', '0'],
    root,
  )
  api = new Api(server.url)
  token = (await api.participant('ada@example.org', 'Ada Lab')).token
})

after(async () => {
  await server?.stop()
})

/** Multipart POST of `fields` (in order) and one submission file. */
async function post(path: string, fields: Array<[string, string]>, headers: Record<string, string>) {
  const form = new FormData()
  for (const [k, v] of fields) form.append(k, v)
  form.append('file', new Blob([new Uint8Array(speechSelection(challenge, 1))]), 'en_25_train.json')
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: form, redirect: 'manual' })
  return { status: res.status, text: await res.text() }
}

test('23.4: a refused link names its field: error.field in the API, the message beside the link field in the form', async () => {
  const r = await post(
    '/api/v1/boards/en-25/submissions',
    [
      ['method', 'm'],
      ['link', 'ftp://example.org/code'],
    ],
    { authorization: `Bearer ${token}` },
  )
  assert.equal(r.status, 400, r.text)
  const error = (JSON.parse(r.text) as { error: { code: string; field: string; message: string } }).error
  assert.deepEqual({ code: error.code, field: error.field }, { code: 'bad_request', field: 'link' })

  // the web form, logged in with a session cookie and its CSRF token
  const login = await api.call('POST', 'auth/login', {
    json: { email: 'ada@example.org', password: 'correct horse battery' },
  })
  const cookie = (login.headers.get('set-cookie') ?? '')
    .split(/,(?=\s*\w+=)/)
    .map((c) => c.split(';')[0]!.trim())
    .join('; ')
  const page = await post(
    '/submit',
    [
      ['_csrf', login.body.csrf_token],
      ['board', 'en-25'],
      ['method', 'm'],
      ['link', 'ftp://example.org/code'],
    ],
    { cookie },
  )
  assert.equal(page.status, 400, page.text.slice(0, 500))
  assert.match(page.text, /<input id="f-link" name="link"[^>]* aria-invalid="true">/)
  assert.match(page.text, /<p class="error" id="f-link-error">Expected an http\(s\) URL/)
  assert.doesNotMatch(page.text, /id="f-file"[^>]* aria-invalid="true"/, 'not put beside the file')
  // the method's own refusal goes beside the method field
  const unnamed = await post(
    '/submit',
    [
      ['_csrf', login.body.csrf_token],
      ['board', 'en-25'],
      ['method', ' '],
    ],
    { cookie },
  )
  assert.equal(unnamed.status, 400)
  assert.match(unnamed.text, /<input id="f-method" name="method"[^>]* aria-invalid="true">/)
})
