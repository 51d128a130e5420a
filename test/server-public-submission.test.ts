/**
 * Public method pages (issue 18 item 11), on a real `dataperf serve` with a public board: a row's
 * method link shows anyone (logged out, or another team) the submission's summary (team, method,
 * description, link, score, per-seed figures, rank, dates), in the browser and as JSON; its files,
 * hash and manifest stay the team's, and a submission that is not a row of the board stays private.
 * SQLite and PostgreSQL; the page in Chromium.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { launchBrowser, newVisitor } from './helpers/browser.js'
import { Api, freshPostgres, makeChallenge, speechSelection, startProc, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, challenge: string, browser: Browser
const procs: Proc[] = []

before(async () => {
  root = tempFolder('public')
  challenge = makeChallenge(join(root, 'challenge'), { seeds: [5, 69, 98] })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  for (const p of procs) await p.stop('SIGKILL')
})

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`${kind}: a board row's submission summary is public; files, hash, manifest and other submissions are not`, async (t) => {
    const db = kind === 'sqlite' ? join(root, 'public.sqlite') : await freshPostgres()
    if (!db) return t.skip('no PostgreSQL (DATAPERF_TEST_PG_URL)')
    const server = await startProc(
      ['serve', '--challenge', challenge, '--db', db, '--state', join(root, `state-${kind}`), '--port', '0'],
      root,
    )
    procs.push(server)
    const api = new Api(server.url)
    const { token: ada } = await api.participant(`ada-${kind}@example.org`, 'Team Ada')
    const { token: bo } = await api.participant(`bo-${kind}@example.org`, 'Team Bo')
    const ids: string[] = []
    for (const seed of [1, 2]) {
      const form = new FormData()
      form.append('method', `margin sampling ${seed}`)
      form.append('description', 'Pick the clips nearest the decision boundary.')
      form.append('link', 'https://example.org/margin')
      form.append('file', new Blob([new Uint8Array(speechSelection(challenge, seed))]), 'en_25_train.json')
      const r = await fetch(`${server.url}/api/v1/boards/en-25/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ada}` },
        body: form,
      })
      const body = (await r.json()) as { submission: { id: string } }
      assert.equal(r.status, 202, JSON.stringify(body))
      ids.push((await api.waitScored(ada, body.submission.id)).id)
    }
    const board = (await api.call('GET', 'boards/en-25/leaderboard')).body
    const row = board.rows.find((r: { team: string }) => r.team === 'Team Ada')
    const shown = row.submission_id as string
    const other = ids.find((id) => id !== shown)!

    // logged out, and another team: the summary
    for (const token of [undefined, bo]) {
      const s = await api.call('GET', `submissions/${shown}/summary`, { token })
      assert.equal(s.status, 200, JSON.stringify(s.body))
      assert.equal(s.body.team, 'Team Ada')
      assert.match(s.body.method, /^margin sampling [12]$/)
      assert.equal(s.body.description, 'Pick the clips nearest the decision boundary.')
      assert.equal(s.body.link, 'https://example.org/margin')
      assert.equal(s.body.score, row.score)
      assert.equal(s.body.rank, row.rank)
      assert.deepEqual(s.body.details.seeds, [5, 69, 98])
      assert.equal(s.body.details.perSeedF1.length, 3)
      assert.ok(s.body.submitted_at && s.body.scored_at)
      assert.equal('sha256' in s.body, false, 'no file hash in the summary')
      // the team's own things stay the team's
      assert.notEqual((await api.call('GET', `submissions/${shown}/files/0`, { token })).status, 200)
      assert.notEqual((await api.call('GET', `submissions/${shown}/manifest`, { token })).status, 200)
      assert.notEqual((await api.call('GET', `submissions/${shown}`, { token })).status, 200)
      // a submission that is not the team's row is nobody else's business
      assert.equal((await api.call('GET', `submissions/${other}/summary`, { token })).status, 404)
    }
    assert.equal((await api.call('GET', `submissions/${other}/summary`, { token: ada })).status, 404)
    assert.equal((await api.call('GET', `submissions/${other}`, { token: ada })).status, 200)

    if (kind === 'sqlite') {
      // a visitor who never logged in follows the method link on the board
      const context = await newVisitor(browser)
      context.setDefaultTimeout(20_000)
      const page = await context.newPage()
      await page.goto(`${server.url}/boards/en-25`)
      await page.getByRole('link', { name: row.method }).click()
      await page.waitForURL(`${server.url}/submissions/${shown}`)
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Submission: ${row.method}`)
      const text = await page.locator('main').innerText()
      assert.match(text, /Team Ada/)
      assert.match(text, /Pick the clips nearest the decision boundary\./)
      assert.equal(await page.getByRole('link', { name: 'https://example.org/margin' }).count(), 1)
      assert.match(text, /Score/)
      assert.match(text, /Macro F1 per evaluation seed/)
      assert.equal(await page.getByText('Download the manifest').count(), 0)
      assert.equal(await page.getByText('File SHA-256').count(), 0)
      // the other submission: a log-in, as before
      await page.goto(`${server.url}/submissions/${other}`)
      assert.match(page.url(), /\/login\?next=/)
      await context.close()
    }
    await server.stop('SIGTERM')
  })
}
