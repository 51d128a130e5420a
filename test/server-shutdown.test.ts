/**
 * SIGTERM while work is under way (issue 18 item 12), on a real `dataperf serve`: the process exits
 * within seconds although event streams are open, the job being scored goes back to the queue at
 * once (not after its lease) and the next server scores it; a page whose live connection drops says
 * so and, once the server is back, shows the current state without a reload (Chromium).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { EventStreamClient } from './helpers/event-stream.js'
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
// a lease far longer than the test: a job scored again after the restart was given back, not retaken
const LEASE_SECONDS = 600

let root: string, challenge: string
const procs: Proc[] = []

before(() => {
  root = tempFolder('shutdown')
  challenge = makeChallenge(join(root, 'challenge'))
})

after(async () => {
  for (const p of procs) await p.stop('SIGKILL')
})

async function serve(db: string, state: string, port = 0): Promise<Proc> {
  const p = await startProc(
    [
      'serve',
      '--challenge',
      challenge,
      '--db',
      db,
      '--state',
      state,
      '--port',
      String(port),
      '--lease-seconds',
      String(LEASE_SECONDS),
      '--stop-grace',
      '0',
    ],
    root,
  )
  procs.push(p)
  return p
}

/** SIGTERM; the milliseconds until the process was gone and its exit code. */
async function terminate(p: Proc): Promise<{ ms: number; code: number | null }> {
  const t0 = Date.now()
  await p.stop('SIGTERM')
  return { ms: Date.now() - t0, code: p.child.exitCode }
}

async function submitAndWaitRunning(api: Api, token: string, seed: number): Promise<string> {
  const r = await api.submit(token, 'en-25', [{ name: 'en_25_train.json', bytes: speechSelection(challenge, seed) }])
  assert.equal(r.status, 202, JSON.stringify(r.body))
  const id = r.body.submission.id as string
  await until(
    'the job running',
    async () => ((await api.call('GET', `submissions/${id}`, { token })).body.status === 'running' ? true : undefined),
    60_000,
    20,
  )
  return id
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(kind, () => {
    test('SIGTERM with open streams and a job being scored: exit in seconds, the job queued again at once and scored by the next server', async (t) => {
      const db = kind === 'sqlite' ? join(root, `${kind}.sqlite`) : await freshPostgres()
      if (!db) return t.skip('no PostgreSQL (DATAPERF_TEST_PG_URL)')
      const state = join(root, `state-${kind}`)
      let server = await serve(db, state)
      let api = new Api(server.url)
      const { token } = await api.participant(`ada-${kind}@example.org`, `Team ${kind}`)
      const id = await submitAndWaitRunning(api, token, 1)
      const auth = { authorization: `Bearer ${token}` }
      const follow = await EventStreamClient.open(`${server.url}/api/v1/submissions/${id}/events`, auth)
      const board = await EventStreamClient.open(`${server.url}/api/v1/boards/en-25/events`)
      await board.next((e) => e.event === 'snapshot')

      const stopped = await terminate(server)
      assert.equal(stopped.code, 0, server.output())
      assert.ok(stopped.ms < 8000, `the server took ${stopped.ms} ms to exit after SIGTERM`)
      assert.ok(follow.ended && board.ended, 'both event streams were ended by the server')
      assert.match(server.output(), /stopping; job \S+ is queued again/)
      const [job] = await query<{ status: string; lease_owner: string | null; attempts: number }>(
        db,
        'select status, lease_owner, attempts from jobs',
      )
      assert.deepEqual(
        { ...job, attempts: Number(job!.attempts) },
        { status: 'queued', lease_owner: null, attempts: 0 },
        'given back, and the stop not counted as a failed attempt',
      )
      const [sub] = await query<{ status: string }>(db, 'select status from submissions')
      assert.equal(sub!.status, 'queued', 'its page says queued, not running forever')

      server = await serve(db, state)
      api = new Api(server.url)
      // a reconnecting page gets the current state first, then the rest
      const again = await EventStreamClient.open(`${server.url}/api/v1/submissions/${id}/events`, auth)
      const first = JSON.parse((await again.next((e) => e.event === 'submission')).data) as { status: string }
      assert.ok(['queued', 'running', 'scored'].includes(first.status), first.status)
      const boardAgain = await EventStreamClient.open(`${server.url}/api/v1/boards/en-25/events`)
      assert.equal(boardAgain.events[0]?.event ?? (await boardAgain.next(() => true)).event, 'snapshot')
      const t0 = Date.now()
      const scored = await api.waitScored(token, id, 120_000)
      assert.equal(scored.status, 'scored')
      assert.ok(Date.now() - t0 < LEASE_SECONDS * 1000)
      await again.next((e) => e.event === 'submission' && JSON.parse(e.data).status === 'scored')
      again.close()
      boardAgain.close()
      const jobs = await query<{ status: string }>(db, 'select status from jobs')
      assert.deepEqual(
        jobs.map((j) => j.status),
        ['done'],
      )
      const stoppedAgain = await terminate(server)
      assert.equal(stoppedAgain.code, 0)
    })
  })
}

describe('pages', () => {
  let browser: Browser
  before(async () => {
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
  })

  test('an open submission page says its live connection dropped, and shows the score once the server is back, without a reload', async () => {
    const db = join(root, 'pages.sqlite')
    const state = join(root, 'state-pages')
    let server = await serve(db, state)
    const port = Number(new URL(server.url).port)
    const api = new Api(server.url)
    const { token } = await api.participant('grace@example.org', 'Team Grace')
    const context = await newVisitor(browser)
    context.setDefaultTimeout(20_000)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.getByLabel('E-mail').fill('grace@example.org')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`${server.url}/`)
    const board = await context.newPage()
    await board.goto(`${server.url}/boards/en-25`)
    assert.equal(await board.locator('table.board tbody tr').filter({ hasText: 'Team Grace' }).count(), 0)

    const id = await submitAndWaitRunning(api, token, 2)
    await page.goto(`${server.url}/submissions/${id}`)
    await page.evaluate(() => {
      ;(window as unknown as { marker: number }).marker = 7
    })
    const notice = page.locator('[role="status"]').filter({ hasText: 'Lost the connection to the server' })
    assert.equal(await notice.count(), 1)
    assert.equal(await notice.isVisible(), false, 'no notice while connected')

    const stopped = await terminate(server)
    assert.equal(stopped.code, 0)
    assert.ok(stopped.ms < 8000, `exit took ${stopped.ms} ms with a browser connected`)
    await notice.waitFor({ state: 'visible', timeout: 10_000 })
    await board
      .locator('[role="status"]')
      .filter({ hasText: 'Lost the connection to the server' })
      .waitFor({ state: 'visible', timeout: 10_000 })

    server = await serve(db, state, port)
    await notice.waitFor({ state: 'hidden', timeout: 60_000 })
    await page.locator('[data-status="scored"]').waitFor({ timeout: 120_000 })
    assert.match(await page.locator('.big-score').innerText(), /Score \d\.\d+/)
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 7, 'no reload')
    // the board page, open through the restart, shows the new row from the next server's snapshot
    await board.locator('table.board tbody tr').filter({ hasText: 'Team Grace' }).waitFor({ timeout: 60_000 })
    await context.close()
    assert.equal((await terminate(server)).code, 0)
  })
})
