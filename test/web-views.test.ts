// The page views rendered from view models and loaded in a real Chromium (Debian's, through
// playwright-core), served with the real stylesheet and client script from a loopback server.
// The pages must read with JavaScript off; with it on, the script's enhancements must work.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { escapeHtml } from '../src/io/html.js'
import { html, jsonForScript } from '../src/server/web/html.js'
import { bestSoFar, niceTicks } from '../src/server/web/chart.js'
import { loadAssets } from '../src/server/web/assets.js'
import { homePage } from '../src/server/web/pages/home.js'
import { leaderboardPage } from '../src/server/web/pages/leaderboard.js'
import { submitPage } from '../src/server/web/pages/submit.js'
import { submissionPage } from '../src/server/web/pages/submission.js'
import { teamPage } from '../src/server/web/pages/team.js'
import { organizerPage } from '../src/server/web/pages/organizer.js'
import { accountPage } from '../src/server/web/pages/accounts.js'
import { errorPage } from '../src/server/web/pages/error.js'
import type { SafeHtml } from '../src/server/web/html.js'
import { startLocalServer, type LocalServer } from './helpers/local-server.js'
import { launchBrowser, newVisitor, PHONE } from './helpers/browser.js'
import * as fx from './helpers/web-fixtures.js'

let server: LocalServer
let browser: Browser
/** The live submission's state, advanced by the test's event stream. */
let liveStatus: 'queued' | 'running' | 'scored' = 'queued'
/** The open event stream of the live submission page, for the test to send the final event. */
let liveStream: import('node:http').ServerResponse | undefined

const pages: Record<string, () => SafeHtml> = {
  '/': () => homePage(fx.ctx({ path: '/' }), fx.homeView()),
  '/boards/en-25': () => leaderboardPage(fx.ctx({ path: '/boards/en-25' }), fx.leaderboardView()),
  '/boards/vision': () => leaderboardPage(fx.ctx({ path: '/boards/vision' }), fx.leaderboardView(fx.VISION_BOARD)),
  '/submit': () => submitPage(fx.ctx({ path: '/submit' }), fx.submitView()),
  '/submit-invalid': () =>
    submitPage(
      fx.ctx({ path: '/submit' }),
      fx.submitView({
        values: { method: 'mine', description: '', link: '' },
        errors: { file: 'en_25_train.json: 3 IDs are not in allowed_training_set.yaml: a, b, c' },
      }),
    ),
  '/submissions/s4': () => submissionPage(fx.ctx(), fx.submissionView()),
  '/submissions/vision': () =>
    submissionPage(
      fx.ctx(),
      fx.submissionView({
        board: fx.VISION_BOARD,
        details: { kind: 'vision', tasks: { Cupcake: { accuracy: 0.9, recall: 0.8, precision: 0.7, f1: 0.7466 } } },
        score: 0.7466,
      }),
    ),
  '/submissions/failed': () =>
    submissionPage(
      fx.ctx(),
      fx.submissionView({
        status: 'failed',
        error: 'worker lost the data file speech/eval.yaml',
        score: undefined,
        rank: undefined,
        details: undefined,
      }),
    ),
  '/submissions/live': () =>
    submissionPage(
      fx.ctx(),
      fx.submissionView({
        id: 'live',
        status: liveStatus,
        stage: liveStatus === 'running' ? 'training seed 3 of 10' : undefined,
        progress: liveStatus === 'running' ? { done: 3, total: 10 } : undefined,
        score: liveStatus === 'scored' ? 0.5 : undefined,
        rank: liveStatus === 'scored' ? 2 : undefined,
        details: liveStatus === 'scored' ? fx.submissionView().details : undefined,
        eventsUrl: '/events/live',
      }),
    ),
  '/team': () =>
    teamPage(fx.ctx({ path: '/team' }), fx.teamView({ newToken: { name: 'ci', token: 'dp_secret_token_value' } })),
  '/team-none': () =>
    teamPage(
      fx.ctx({ path: '/team', user: { name: 'Bob', email: 'bob@example.org', isOrganizer: false } }),
      fx.teamView({ team: undefined, submissions: [], invites: [], tokens: [] }),
    ),
  '/organizer': () =>
    organizerPage(
      fx.ctx({ path: '/organizer', user: { name: 'Org', email: 'org@example.org', isOrganizer: true } }),
      fx.organizerView(),
    ),
  '/login': () =>
    accountPage(fx.ctx({ path: '/login', user: undefined }), {
      mode: 'login',
      values: { email: 'ada@example.org', name: '', inviteCode: '' },
      errors: { form: 'Wrong e-mail or password.' },
      inviteRequired: false,
    }),
  '/signup': () =>
    accountPage(fx.ctx({ path: '/signup', user: undefined }), {
      mode: 'signup',
      values: { email: '', name: '', inviteCode: '' },
      errors: {},
      inviteRequired: true,
    }),
  '/oops': () =>
    errorPage(fx.ctx(), {
      status: 404,
      title: 'Page not found',
      message: 'There is no submission s99, or it belongs to another team.',
    }),
}

before(async () => {
  const assets = loadAssets()
  server = await startLocalServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    const asset = assets.get(path)
    if (asset) {
      res.writeHead(200, { 'content-type': asset.contentType, etag: asset.etag })
      res.end(asset.body)
      return
    }
    if (path === '/events/live') {
      // A running event, then the final one: the page must follow both without a reload.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
      liveStream = res
      liveStatus = 'running'
      res.write(
        `event: submission\ndata: ${JSON.stringify({ status: 'running', stage: 'training seed 3 of 10', progress: { done: 3, total: 10 } })}\n\n`,
      )
      return
    }
    if (path.endsWith('/events')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(': quiet board\n\n')
      return
    }
    const page = pages[path]
    if (!page) {
      res.writeHead(404)
      res.end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(page().value)
  })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  liveStream?.end()
  server?.close()
})

async function open(path: string, opts: Parameters<typeof newVisitor>[1] = {}): Promise<Page> {
  const context = await newVisitor(browser, opts)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  const response = await page.goto(server.base + path)
  assert.equal(response?.status(), 200, path)
  ;(page as Page & { jsErrors: string[] }).jsErrors = errors
  return page
}

/** Every visible form control has a label a screen reader announces. */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter(
        (el) =>
          (el as HTMLInputElement).labels?.length === 0 &&
          !el.getAttribute('aria-label') &&
          !el.getAttribute('aria-labelledby'),
      )
      .map((el) => el.outerHTML),
  )
}

test('html escapes every value unless it is already markup', () => {
  assert.equal(
    html`<p>${'<script>alert("x")</script>'}</p>`.value,
    '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
  )
  assert.equal(html`<p>${html`<b>${"O'Neil"}</b>`}</p>`.value, '<p><b>O&#39;Neil</b></p>')
  assert.equal(html`${[1, null, undefined, false, 'a&b']}`.value, '1a&amp;b')
  assert.equal(escapeHtml('&<>"\''), '&amp;&lt;&gt;&quot;&#39;')
  assert.equal(jsonForScript({ a: '</script>' }).value, '{"a":"\\u003c/script>"}')
})

test('bestSoFar keeps only improvements in time order; niceTicks cover the range with round steps', () => {
  const d = (h: number) => new Date(Date.UTC(2026, 0, 1, h))
  const best = bestSoFar([
    { at: d(3), score: 0.5 },
    { at: d(1), score: 0.4 },
    { at: d(2), score: 0.3 },
    { at: d(4), score: 0.5 },
    { at: d(5), score: 0.6 },
  ])
  assert.deepEqual(
    best.map((p) => [p.at.getUTCHours(), p.score]),
    [
      [1, 0.4],
      [3, 0.5],
      [5, 0.6],
    ],
  )
  assert.deepEqual(niceTicks(0, 0.0584), [0, 0.02, 0.04, 0.06])
  const ticks = niceTicks(0.301, 0.412)
  assert.ok(ticks[0]! <= 0.301 && ticks[ticks.length - 1]! >= 0.412, String(ticks))
  assert.deepEqual(ticks, [0.3, 0.35, 0.4, 0.45])
})

test('every page renders with JavaScript off: a heading, labelled controls, no script errors', async () => {
  // one visitor's tab goes through every page (a new browser context per page took ~1 s each)
  const context = await newVisitor(browser, { javaScriptEnabled: false })
  const page = await context.newPage()
  for (const path of Object.keys(pages)) {
    const response = await page.goto(server.base + path)
    assert.equal(response?.status(), 200, path)
    assert.equal(await page.locator('h1').count(), 1, `${path}: one h1`)
    assert.ok((await page.locator('h1').innerText()).length > 3, path)
    assert.deepEqual(await unlabelledControls(page), [], `${path}: unlabelled controls`)
    assert.equal(await page.locator('main').count(), 1)
    assert.equal(await page.locator('a.skip[href="#main"]').count(), 1)
    // Forms that change state carry the CSRF token.
    for (const form of await page.locator('form[method=post]').all()) {
      assert.equal(
        await form.locator('input[name=_csrf]').getAttribute('value'),
        'csrf-token-123',
        `${path}: csrf field`,
      )
    }
  }
  await context.close()
})

test('the leaderboard reads without JavaScript: ranked rows, baseline marked, escaped names, chart and exports', async () => {
  const page = await open('/boards/en-25', { javaScriptEnabled: false })
  const rows = page.locator('table.board tbody tr')
  assert.equal(await rows.count(), 3)
  assert.deepEqual(await rows.locator('td:nth-child(2)').allInnerTexts(), [
    'Lovelace Lab',
    'Organizers baseline',
    'Babbage & Co <b>',
  ])
  assert.equal(await page.locator('table.board tbody tr.baseline').count(), 1)
  assert.equal(await page.locator('table.board b').count(), 0, 'a team name is text, not markup')
  assert.equal(await rows.first().locator('td.score').innerText(), '0.4123')
  assert.equal(await page.locator('figure.chart svg path').count(), 3, 'one line per team')
  assert.equal(await page.locator('figure.chart svg path[stroke-dasharray]').count(), 1, 'the baseline line is dashed')
  assert.equal(
    await page.getByRole('link', { name: 'CSV' }).getAttribute('href'),
    '/api/v1/boards/en-25/leaderboard?format=csv',
  )
  // The language and cap switch: English and 25 are current; 60 clips leads to en-60, Portuguese to pt-25.
  assert.equal(await page.locator('nav.switch a[aria-current=page]').count(), 2)
  assert.equal(await page.getByRole('link', { name: '60 clips' }).getAttribute('href'), '/boards/en-60')
  assert.equal(await page.getByRole('link', { name: 'Portuguese' }).getAttribute('href'), '/boards/pt-25')
  await page.context().close()

  const vision = await open('/boards/vision', { javaScriptEnabled: false })
  assert.deepEqual(await vision.locator('table.board thead th').allInnerTexts(), [
    'Rank',
    'Team',
    'Method',
    'Mean F1',
    'Cupcake F1',
    'Hawk F1',
    'Sushi F1',
    'Submissions',
    'Last submission',
  ])
  assert.equal(await vision.locator('table.board tbody tr').first().locator('td').nth(5).innerText(), '0.7800')
  await vision.context().close()
})

test('tables sort by a column when its header is clicked, both ways', async () => {
  const page = await open('/boards/en-25')
  const teams = () => page.locator('table.board tbody tr td:nth-child(2)').allInnerTexts()
  await page.getByRole('button', { name: 'Team' }).click()
  assert.deepEqual(await teams(), ['Babbage & Co <b>', 'Lovelace Lab', 'Organizers baseline'])
  assert.equal(await page.locator('th[aria-sort=ascending]').innerText(), 'Team')
  await page.getByRole('button', { name: 'Team' }).click()
  assert.deepEqual(await teams(), ['Organizers baseline', 'Lovelace Lab', 'Babbage & Co <b>'])
  await page.getByRole('button', { name: 'Macro F1' }).click()
  assert.deepEqual(await teams(), ['Babbage & Co <b>', 'Organizers baseline', 'Lovelace Lab'])
  assert.deepEqual((page as Page & { jsErrors: string[] }).jsErrors, [])
  await page.context().close()
})

test("deadlines show in the visitor's time zone with JavaScript, in UTC without", async () => {
  const off = await open('/', { javaScriptEnabled: false })
  assert.equal(await off.locator('.deadline time').innerText(), '2027-02-01 00:00 UTC')
  await off.context().close()
  const tokyo = await open('/', { timezoneId: 'Asia/Tokyo' })
  const text = await tokyo.locator('.deadline time').innerText()
  assert.match(text, /Feb 1, 2027, 9:00\sAM GMT\+9/, text)
  assert.equal(await tokyo.locator('.deadline time').getAttribute('title'), '2027-02-01 00:00 UTC')
  await tokyo.context().close()
})

test("submit: the chosen board's quota shows; dropped or picked files are listed; the CLI message sits by the file field", async () => {
  const page = await open('/submit')
  const visibleQuotas = page.locator('[data-quota-board]:visible')
  assert.equal(await visibleQuotas.count(), 1)
  assert.match(await visibleQuotas.innerText(), /^en-25: 3 of 3 submissions left today; resets/)
  await page.getByLabel('Board').selectOption('vision')
  assert.match(await page.locator('[data-quota-board]:visible').innerText(), /^vision: 3 of 3/)
  assert.equal(await page.getByRole('button', { name: /Submit to/ }).innerText(), 'Submit to vision')
  await page
    .getByLabel('Training-set file(s)')
    .setInputFiles([{ name: 'Hawk.csv', mimeType: 'text/csv', buffer: Buffer.from('sample_id,label\na,1\n') }])
  assert.match(await page.locator('[data-chosen]').innerText(), /Chosen: Hawk\.csv/)
  await page.context().close()

  const off = await open('/submit', { javaScriptEnabled: false })
  assert.equal(
    await off.locator('[data-quota-board]:visible').count(),
    7,
    "without JavaScript every board's quota is listed",
  )
  await off.context().close()

  const invalid = await open('/submit-invalid', { javaScriptEnabled: false })
  const file = invalid.getByLabel('Training-set file(s)')
  assert.equal(await file.getAttribute('aria-invalid'), 'true')
  const describedBy = (await file.getAttribute('aria-describedby')) ?? ''
  assert.ok(describedBy.split(' ').includes('f-file-error'))
  assert.equal(
    await invalid.locator('#f-file-error').innerText(),
    'en_25_train.json: 3 IDs are not in allowed_training_set.yaml: a, b, c',
  )
  assert.equal(await invalid.getByLabel('Method name').inputValue(), 'mine', 'the typed method is kept')
  await invalid.context().close()
})

test('a submission page follows the status live: running with its stage, then scored with the figures, no reload', async () => {
  liveStatus = 'queued'
  const page = await open('/submissions/live')
  await page.evaluate(() => {
    ;(window as unknown as { marker: number }).marker = 42
  })
  await page.locator('[data-stage]', { hasText: 'training seed 3 of 10' }).waitFor({ timeout: 10_000 })
  await page.locator('.status .badge', { hasText: 'Running' }).waitFor({ timeout: 10_000 })
  assert.equal(await page.locator('progress[data-progress]').evaluate((e) => (e as HTMLProgressElement).value), 3)
  liveStatus = 'scored'
  liveStream?.write(
    `event: submission\ndata: ${JSON.stringify({ status: 'scored', progress: { done: 10, total: 10 } })}\n\n`,
  )
  await page.locator('.status .badge', { hasText: 'Scored' }).waitFor({ timeout: 10_000 })
  assert.equal(await page.locator('.big-score').innerText(), 'Score 0.5000 · rank 2 on en-25')
  assert.equal(await page.locator('figure.chart rect').count(), 10, 'one bar per seed')
  assert.equal(
    await page.evaluate(() => (window as unknown as { marker?: number }).marker),
    42,
    'the page was not reloaded',
  )
  assert.deepEqual((page as Page & { jsErrors: string[] }).jsErrors, [])
  await page.context().close()
})

test('failed submissions say why; scored ones offer the manifest and how to verify it', async () => {
  const failed = await open('/submissions/failed', { javaScriptEnabled: false })
  assert.match(
    await failed.getByRole('alert').innerText(),
    /The evaluation failed: worker lost the data file speech\/eval\.yaml/,
  )
  await failed.context().close()
  const scored = await open('/submissions/s4', { javaScriptEnabled: false })
  assert.equal(
    await scored.getByRole('link', { name: 'Download the manifest' }).getAttribute('href'),
    '/api/v1/submissions/s4/manifest',
  )
  assert.match(
    await scored.locator('pre').last().innerText(),
    /dataperf verify-result manifest-s4\.json --public-key server-public-key\.pem/,
  )
  assert.equal(await scored.locator('.prose').innerText(), 'Two passes.\nSecond line.')
  await scored.context().close()
  const vision = await open('/submissions/vision', { javaScriptEnabled: false })
  assert.deepEqual(await vision.locator('section table tbody tr').first().locator('th, td').allInnerTexts(), [
    'Cupcake',
    '0.9000',
    '0.7000',
    '0.8000',
    '0.7466',
  ])
  await vision.context().close()
})

test('the team page shows a new token once, with revoke buttons named for each token', async () => {
  const page = await open('/team', { javaScriptEnabled: false })
  assert.equal(await page.getByLabel('Token', { exact: true }).inputValue(), 'dp_secret_token_value')
  assert.equal(await page.getByRole('button', { name: 'Revoke token laptop' }).count(), 1)
  assert.equal(
    await page.locator('table tbody tr').filter({ hasText: 'fpscv' }).locator('.badge').innerText(),
    'Failed',
  )
  await page.context().close()
  const none = await open('/team-none', { javaScriptEnabled: false })
  assert.equal(await none.getByRole('button', { name: 'Create team' }).count(), 1)
  assert.equal(await none.getByRole('button', { name: 'Join team' }).count(), 1)
  await none.context().close()
})

test("the pages fit a phone's width: nothing but tables scrolls sideways", async () => {
  const context = await newVisitor(browser, { viewport: PHONE })
  const page = await context.newPage()
  for (const path of ['/', '/boards/vision', '/submit', '/submissions/s4', '/team', '/organizer', '/signup']) {
    const response = await page.goto(server.base + path)
    assert.equal(response?.status(), 200, path)
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    assert.ok(overflow <= 0, `${path} overflows the phone's width by ${overflow}px`)
  }
  await context.close()
})
