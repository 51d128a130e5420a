/**
 * A board's rescoring runs in the background (issue 18 item 13), on a real `dataperf serve
 * --workers 0` with a `dataperf worker` process started only when the test wants the jobs done:
 * the form and the API answer at once, the rescoring has its own page with its progress, asking
 * again while it runs (a reload, a second click, a retried request) gives the same one, and the
 * page shows the end and the rank changes by itself (Chromium). SQLite and PostgreSQL.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { runCliAsync } from './helpers/cli.js'
import { launchBrowser, newVisitor } from './helpers/browser.js'
import {
  Api,
  freshPostgres,
  makeChallenge,
  query,
  speechSelection,
  startProc,
  until,
  type Proc,
} from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

const PASSWORD = 'correct horse battery'
let root: string, challenge: string, browser: Browser
const procs: Proc[] = []

before(async () => {
  root = tempFolder('rescore')
  challenge = makeChallenge(join(root, 'challenge'), { seeds: [5, 69, 98] })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  for (const p of procs) await p.stop('SIGKILL')
})

async function worker(db: string): Promise<Proc> {
  const p = await startProc(['worker', '--challenge', challenge, '--db', db], root)
  procs.push(p)
  return p
}

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`${kind}: rescoring answers at once, has its own page and progress, is one per board while it runs, and ends on its page by itself`, async (t) => {
    const db = kind === 'sqlite' ? join(root, 'rescore.sqlite') : await freshPostgres()
    if (!db) return t.skip('no PostgreSQL (DATAPERF_TEST_PG_URL)')
    const state = join(root, `state-${kind}`)
    const server = await startProc(
      [
        'serve',
        '--challenge',
        challenge,
        '--db',
        db,
        '--state',
        state,
        '--port',
        '0',
        '--workers',
        '0',
        '--login-limit',
        '100',
      ],
      root,
    )
    procs.push(server)
    const api = new Api(server.url)
    let scoring = await worker(db)
    const ids: string[] = []
    for (const [i, name] of ['Ada', 'Bo', 'Cy'].entries()) {
      const { token } = await api.participant(`${name.toLowerCase()}-${kind}@example.org`, `Team ${name}`)
      const r = await api.submit(token, 'en-25', [
        { name: 'en_25_train.json', bytes: speechSelection(challenge, 10 + i) },
      ])
      assert.equal(r.status, 202, JSON.stringify(r.body))
      ids.push((await api.waitScored(token, r.body.submission.id)).id)
    }
    await scoring.stop('SIGTERM') // no worker now: a rescoring can only wait
    const { token: orgToken } = await api.participant(`org-${kind}@example.org`)
    const made = await runCliAsync(
      ['serve', 'make-organizer', `org-${kind}@example.org`, '--challenge', challenge, '--db', db],
      root,
    )
    assert.equal(made.code, 0, made.stderr)

    const context = await newVisitor(browser)
    context.setDefaultTimeout(20_000)
    const page = await context.newPage()
    page.on('dialog', (d) => void d.accept())
    await page.goto(`${server.url}/login`)
    await page.getByLabel('E-mail').fill(`org-${kind}@example.org`)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`${server.url}/`)
    await page.goto(`${server.url}/organizer`)
    const t0 = Date.now()
    await page.getByRole('button', { name: 'Rescore en-25' }).click()
    await page.waitForURL(/\/organizer\/rescores\/rsc_\w+$/)
    assert.ok(Date.now() - t0 < 10_000, `the form answered after ${Date.now() - t0} ms`)
    const rescoreUrl = page.url()
    const id = rescoreUrl.split('/').pop()!
    assert.match(await page.locator('.flash').innerText(), /Rescoring en-25: 3 submissions queued/)
    assert.match(await page.locator('[data-live-region="rescore"]').innerText(), /Running: 0 of 3/)
    assert.equal(await page.locator('progress[data-progress]').getAttribute('max'), '3')

    // asking again while it runs: a reload (a GET after the redirect), a second click, the API
    await page.reload()
    await page.goto(`${server.url}/organizer`)
    await page.getByRole('button', { name: 'Rescore en-25' }).click()
    await page.waitForURL(rescoreUrl)
    assert.match(await page.locator('.flash').innerText(), /being rescored already .*this is that rescoring/)
    const again = await api.call('POST', 'admin/boards/en-25/rescore', { token: orgToken })
    assert.equal(again.status, 200, JSON.stringify(again.body))
    assert.equal(again.body.id, id)
    assert.deepEqual(
      [again.body.status, again.body.total, again.body.done, again.body.page],
      ['running', 3, 0, `/organizer/rescores/${id}`],
    )
    const rescores = await query<{ n: number }>(db, 'select count(*) as n from rescores')
    assert.equal(Number(rescores[0]!.n), 1, 'one rescoring, however often it was asked for')
    const jobs = await query<{ n: number }>(db, "select count(*) as n from jobs where kind = 'rescore'")
    assert.equal(Number(jobs[0]!.n), 3)
    const { token: alice } = await api.participant(`eve-${kind}@example.org`)
    assert.equal((await api.call('GET', `admin/rescores/${id}`, { token: alice })).status, 403)

    // a worker comes: the open page follows the progress and shows the end without a reload
    await page.evaluate(() => {
      ;(window as unknown as { marker: number }).marker = 3
    })
    scoring = await worker(db)
    await page.getByRole('heading', { name: 'Rank changes' }).waitFor({ timeout: 120_000 })
    assert.match(await page.locator('[data-live-region="rescore"]').innerText(), /Done: 3 of 3 submissions rescored/)
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 3, 'no reload')
    const done = await until('the rescoring done', async () => {
      const r = await api.call('GET', `admin/rescores/${id}`, { token: orgToken })
      return r.body.status === 'done' ? r.body : undefined
    })
    assert.deepEqual([done.done, done.failed, Array.isArray(done.changes)], [3, 0, true])
    const scores = await query<{ n: number }>(db, 'select count(*) as n from scores')
    assert.equal(Number(scores[0]!.n), 6, 'each submission scored twice: the old score kept')
    // once it has ended, the next request starts a new one
    const next = await api.call('POST', 'admin/boards/en-25/rescore', { token: orgToken })
    assert.equal(next.status, 202)
    assert.notEqual(next.body.id, id)
    await until('the second rescoring done', async () => {
      const r = await api.call('GET', `admin/rescores/${next.body.id}`, { token: orgToken })
      return r.body.status === 'done' ? true : undefined
    })
    await context.close()
    await scoring.stop('SIGTERM')
    await server.stop('SIGTERM')
  })
}
