/**
 * The same file from two teams is flagged to organizers (issue 18 item 15), on a real `dataperf
 * serve`: GET /api/v1/admin/duplicates lists the board, the SHA-256 and both submissions; /organizer
 * says so and links the page that lists them (Chromium); participants are refused. SQLite and PostgreSQL.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { runCliAsync } from './helpers/cli.js'
import { launchBrowser, newVisitor } from './helpers/browser.js'
import { Api, freshPostgres, makeChallenge, speechSelection, startProc, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, challenge: string, browser: Browser
const procs: Proc[] = []

before(async () => {
  root = tempFolder('dup')
  challenge = makeChallenge(join(root, 'challenge'), { seeds: [5, 69] })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  for (const p of procs) await p.stop('SIGKILL')
})

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`${kind}: one file from two teams is flagged to organizers, with both submissions`, async (t) => {
    const db = kind === 'sqlite' ? join(root, 'dup.sqlite') : await freshPostgres()
    if (!db) return t.skip('no PostgreSQL (DATAPERF_TEST_PG_URL)')
    const server = await startProc(
      ['serve', '--challenge', challenge, '--db', db, '--state', join(root, `state-${kind}`), '--port', '0'],
      root,
    )
    procs.push(server)
    const api = new Api(server.url)
    const same = speechSelection(challenge, 7)
    const subs: Record<string, string> = {}
    for (const [name, bytes] of [
      ['Ada', same],
      ['Bo', same],
      ['Cy', speechSelection(challenge, 8)],
    ] as const) {
      const { token } = await api.participant(`${name.toLowerCase()}-${kind}@example.org`, `Team ${name}`)
      const r = await api.submit(token, 'en-25', [{ name: 'en_25_train.json', bytes }], `method of ${name}`)
      assert.equal(r.status, 202, JSON.stringify(r.body))
      subs[name] = (await api.waitScored(token, r.body.submission.id)).id
    }
    const { token: org } = await api.participant(`org-${kind}@example.org`)
    assert.equal((await api.call('GET', 'admin/duplicates', { token: org })).status, 403)
    const made = await runCliAsync(
      ['serve', 'make-organizer', `org-${kind}@example.org`, '--challenge', challenge, '--db', db],
      root,
    )
    assert.equal(made.code, 0, made.stderr)
    const d = await api.call('GET', 'admin/duplicates', { token: org })
    assert.equal(d.status, 200, JSON.stringify(d.body))
    assert.equal(d.body.duplicates.length, 1)
    const [dup] = d.body.duplicates
    assert.equal(dup.board, 'en-25')
    assert.match(dup.sha256, /^[0-9a-f]{64}$/)
    assert.deepEqual(
      dup.submissions.map((s: { id: string; team: string }) => [s.id, s.team]),
      [
        [subs['Ada'], 'Team Ada'],
        [subs['Bo'], 'Team Bo'],
      ],
    )

    if (kind === 'sqlite') {
      const context = await newVisitor(browser)
      context.setDefaultTimeout(20_000)
      const page = await context.newPage()
      await page.goto(`${server.url}/login`)
      await page.getByLabel('E-mail').fill(`org-${kind}@example.org`)
      await page.getByLabel('Password').fill('correct horse battery')
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.waitForURL(`${server.url}/`)
      await page.goto(`${server.url}/organizer`)
      await page.getByRole('link', { name: 'One file was submitted by more than one team' }).click()
      await page.waitForURL(`${server.url}/organizer/duplicates`)
      const text = await page.locator('main').innerText()
      assert.match(text, new RegExp(dup.sha256))
      assert.match(text, /Team Ada[\s\S]*Team Bo/)
      assert.doesNotMatch(text, /Team Cy/)
      await context.close()
    }
    await server.stop('SIGTERM')
  })
}
