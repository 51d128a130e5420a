/**
 * The web pages as people use them: a real `dataperf serve` on loopback (SQLite, a generated
 * challenge with a hidden leaderboard phase), driven by Debian's Chromium through playwright-core.
 * Accounts, teams and tokens are made in the browser; files are submitted through the form and
 * followed live; scores are compared with `dataperf speech eval` / `vision eval` on the same files.
 * Screenshots of the main pages (desktop and phone) go to $DATAPERF_SCREENSHOTS when it is set
 * (docs/screenshots/ was made so); without it none are taken (17 full-page shots that nobody
 * looked at cost seconds of Chromium in every test run).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { runCli } from './helpers/cli.js'
import { Api, makeChallenge, speechEvalArgs, speechSelection, startProc, type Proc } from './helpers/server.js'
import { launchBrowser, newVisitor, PHONE } from './helpers/browser.js'
import { tempFolder } from './helpers/temp-folder.js'

const PASSWORD = 'correct horse battery'
let root: string, challenge: string, state: string, dbFile: string, server: Proc, api: Api, browser: Browser
let shots: string | undefined
let alice: BrowserContext, bob: BrowserContext, olga: BrowserContext
let aliceToken: string, aliceSpeechId: string, aliceVisionId: string
let aliceScore: { score: number; scores: number[] }
let visionCli: Record<string, { accuracy: number; recall: number; precision: number; f1: number }>

before(async () => {
  root = tempFolder('web')
  challenge = makeChallenge(join(root, 'challenge'), { dailyLimit: 5, vision: true, leaderboard: 'hidden' })
  state = join(root, 'state')
  dbFile = join(state, 'server.sqlite')
  server = await startProc(['serve', '--challenge', challenge, '--db', dbFile, '--state', state, '--port', '0'], root)
  api = new Api(server.url)
  browser = await launchBrowser()
  shots = process.env['DATAPERF_SCREENSHOTS']
  if (shots) mkdirSync(shots, { recursive: true })
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

async function visitor(opts: Parameters<typeof newVisitor>[1] = {}): Promise<BrowserContext> {
  const context = await newVisitor(browser, opts)
  context.setDefaultTimeout(20_000)
  return context
}

async function go(context: BrowserContext, path: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto(server.url + path)
  return page
}

async function signUp(context: BrowserContext, name: string, email: string): Promise<Page> {
  const page = await go(context, '/signup')
  await page.getByLabel('Your name').fill(name)
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign up' }).click()
  await page.waitForURL('**/team')
  return page
}

async function logIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await go(context, '/login')
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(server.url + '/')
  return page
}

async function shoot(context: BrowserContext, path: string, name: string): Promise<void> {
  if (!shots) return
  const page = await context.newPage()
  for (const [kind, size] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size)
    await page.goto(server.url + path)
    await page.screenshot({ path: join(shots, `${name}-${kind}.png`), fullPage: true })
  }
  await page.close()
}

function speechEval(file: string): { score: number; scores: number[] } {
  const r = runCli([...speechEvalArgs(challenge, file), '--json'], root)
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout) as { score: number; scores: number[] }
}

test('a participant signs up, creates a team and an API token in the browser; the wrong password gets a clear message', async () => {
  alice = await visitor()
  const page = await signUp(alice, 'Alice', 'alice@example.org')
  await page.getByLabel('Team name').fill('Team Alice')
  await page.getByRole('button', { name: 'Create team' }).click()
  await page.getByRole('heading', { name: 'Team Team Alice' }).waitFor()
  assert.match(await page.locator('.flash').innerText(), /Team Team Alice created/)
  await page.getByLabel('New token name').fill('laptop')
  await page.getByRole('button', { name: 'Create token' }).click()
  aliceToken = await page.getByLabel('Token', { exact: true }).inputValue()
  assert.match(aliceToken, /\S{20,}/)
  const me = await api.call('GET', 'me', { token: aliceToken })
  assert.equal(me.status, 200)
  assert.equal(me.body.team.name, 'Team Alice')
  // Shown once: the team page no longer has it, only its name with a revoke button.
  const again = await go(alice, '/team')
  assert.equal(await again.getByLabel('Token', { exact: true }).count(), 0)
  assert.equal(await again.getByRole('button', { name: 'Revoke token laptop' }).count(), 1)
  // An invitation code is shown once too; the page then lists the open invitation, which can be withdrawn.
  await again.getByRole('button', { name: 'Create an invitation code' }).click()
  const code = await again.locator('code.secret').innerText()
  assert.match(code, /\S{20,}/)
  const listed = await go(alice, '/team')
  assert.equal(await listed.getByText(code).count(), 0)
  assert.match(await listed.locator('ul.invites li').innerText(), /Created by Alice/)
  listed.once('dialog', (d) => void d.accept())
  await listed.getByRole('button', { name: 'Withdraw' }).click()
  await listed.getByText('Invitation withdrawn').waitFor()
  assert.equal(await listed.locator('ul.invites li').count(), 0)
  assert.equal(await listed.getByText('No open invitations.').count(), 1)

  const stranger = await visitor()
  const login = await go(stranger, '/login')
  await login.getByLabel('E-mail').fill('alice@example.org')
  await login.getByLabel('Password').fill('not her password')
  await login.getByRole('button', { name: 'Log in' }).click()
  assert.equal(await login.getByRole('alert').innerText(), 'Wrong email or password.')
  assert.equal(await login.getByLabel('E-mail').inputValue(), 'alice@example.org', 'the e-mail is kept')
  await stranger.close()
})

test('a valid speech file submitted through the form is followed live to scored; the score equals `dataperf speech eval`', async () => {
  const file = join(root, 'en_25_train.json')
  writeFileSync(file, speechSelection(challenge, 1))
  const page = await go(alice, '/submit')
  await page.getByLabel('Board').selectOption('en-25')
  assert.match(await page.locator('[data-quota-board="en-25"]').innerText(), /5 of 5 submissions left today/)
  await page.getByLabel('Training-set file(s)').setInputFiles(file)
  await page.getByLabel('Method name').fill('random seed 1')
  await page.getByRole('button', { name: 'Submit to en-25' }).click()
  await page.waitForURL('**/submissions/*')
  aliceSpeechId = decodeURIComponent(page.url().split('/submissions/')[1]!)
  await page.evaluate(() => {
    ;(window as unknown as { marker: number }).marker = 7
  })
  await page.locator('.status .badge', { hasText: 'Scored' }).waitFor({ timeout: 180_000 })
  assert.equal(
    await page.evaluate(() => (window as unknown as { marker?: number }).marker),
    7,
    'the status changed without a reload',
  )
  // A hidden phase: the team sees that it is scored, the score waits for publication.
  assert.match(await page.locator('.status').innerText(), /hidden until the organizers publish the board en-25/)
  aliceScore = speechEval(file)
})

test('a valid vision set (one CSV per task) submitted through the form is scored', async () => {
  const setup = join(challenge, 'vision/task_setup.yaml')
  const files: string[] = []
  for (const t of ['Cupcake', 'Hawk', 'Sushi']) {
    const out = join(challenge, 'vision/train_sets', `${t}.csv`)
    const s = runCli(['vision', 'select', '--setup', setup, '--task', t, '--algorithm', 'random', '--out', out], root)
    assert.equal(s.code, 0, s.stderr)
    files.push(out)
  }
  const page = await go(alice, '/submit?board=vision')
  await page.getByLabel('Training-set file(s)').setInputFiles(files)
  assert.match(await page.locator('[data-chosen]').innerText(), /Cupcake\.csv.*Hawk\.csv.*Sushi\.csv/)
  await page.getByLabel('Method name').fill('random')
  await page.getByRole('button', { name: 'Submit to vision' }).click()
  await page.waitForURL('**/submissions/*')
  aliceVisionId = decodeURIComponent(page.url().split('/submissions/')[1]!)
  await page.locator('.status .badge', { hasText: 'Scored' }).waitFor({ timeout: 180_000 })
  const cli = runCli(['vision', 'eval', '--setup', setup, '--json'], root)
  assert.equal(cli.code, 0, cli.stderr)
  visionCli = (JSON.parse(cli.stdout) as { results: typeof visionCli }).results
})

test("an invalid file gets the CLI's one-line message next to the field and leaves the quota as it was", async () => {
  const bad = join(root, 'bad', 'en_25_train.json')
  mkdirSync(join(root, 'bad'), { recursive: true })
  const content = JSON.stringify({ targets: { nope: ['x/y.wav'] }, nontargets: [] })
  writeFileSync(bad, content)
  const cli = speechEvalError(content)
  const before = (await api.call('GET', 'boards/en-25/quota', { token: aliceToken })).body
  const page = await go(alice, '/submit?board=en-25')
  await page.getByLabel('Training-set file(s)').setInputFiles(bad)
  await page.getByLabel('Method name').fill('broken')
  await page.getByRole('button', { name: 'Submit to en-25' }).click()
  const error = page.locator('#f-file-error')
  await error.waitFor()
  assert.equal(await error.innerText(), cli)
  assert.equal(await page.getByLabel('Training-set file(s)').getAttribute('aria-invalid'), 'true')
  assert.equal(await page.getByLabel('Method name').inputValue(), 'broken')
  const afterQ = (await api.call('GET', 'boards/en-25/quota', { token: aliceToken })).body
  assert.equal(afterQ.used, before.used)
  assert.match(
    await page.locator('[data-quota-board="en-25"]').innerText(),
    new RegExp(`${before.remaining} of 5 submissions left`),
  )
  if (shots) await page.screenshot({ path: join(shots, 'submit-invalid-desktop.png'), fullPage: true })
  // the refused upload's page is at a URL with no CSRF token in it (the token travels in the body)
  assert.doesNotMatch(page.url(), /_csrf/)
  assert.equal(new URL(page.url()).pathname, '/submit')
})

test('a file over the size cap is refused in the browser before it is sent: the sizes next to the field, the form kept', async () => {
  const big = join(root, 'big', 'en_25_train.json')
  mkdirSync(join(root, 'big'), { recursive: true })
  writeFileSync(big, Buffer.alloc(25 * 1024 * 1024, 0x20)) // 25.0 MB against the default 20 MB
  const before = (await api.call('GET', 'boards/en-25/quota', { token: aliceToken })).body
  const page = await go(alice, '/submit?board=en-25')
  const sent: string[] = []
  page.on('request', (r) => {
    if (r.method() === 'POST') sent.push(r.url())
  })
  await page.getByLabel('Training-set file(s)').setInputFiles(big)
  await page.getByLabel('Method name').fill('too big')
  await page.getByRole('button', { name: 'Submit to en-25' }).click()
  const error = page.locator('#f-file-error')
  await error.waitFor()
  assert.equal(await error.innerText(), 'en_25_train.json is 25.0 MB; the limit is 20 MB. Choose a smaller file.')
  assert.deepEqual(sent, [], 'nothing was posted')
  assert.equal(await page.getByLabel('Method name').inputValue(), 'too big')
  assert.equal(await page.getByLabel('Training-set file(s)').getAttribute('aria-invalid'), 'true')
  assert.doesNotMatch(page.url(), /_csrf/)
  const afterQ = (await api.call('GET', 'boards/en-25/quota', { token: aliceToken })).body
  assert.equal(afterQ.used, before.used)
})

/** The message `dataperf speech eval` prints for a bad file, run where the files have the names the server gives them. */
function speechEvalError(bytes: string): string {
  const data = join(challenge, 'speech/data/dataperf_en_data')
  const file = join(data, 'en_25_train.json')
  writeFileSync(file, bytes)
  try {
    // the training set and allowed list by the relative names the server's scoring uses: the message names them
    const r = runCli(
      [
        'speech',
        'eval',
        '--language',
        'en',
        '--train_size',
        '25',
        '--train_file',
        'en_25_train.json',
        '--eval_embeddings_dir',
        join(data, 'eval_embeddings'),
        '--train_embeddings_dir',
        join(data, 'train_embeddings'),
        '--allowed_training_set',
        'allowed_training_set.yaml',
        '--eval_file',
        join(data, 'eval.yaml'),
        '--config_file',
        join(challenge, 'speech/dataperf_speech_config.yaml'),
      ],
      data,
    )
    assert.notEqual(r.code, 0)
    return r.stderr
      .trim()
      .split('\n')
      .pop()!
      .replace(/^(dataperf: )?(error: )?/i, '')
  } finally {
    rmSync(file)
  }
}

test("in a hidden phase a second team cannot open the first team's submission, its files, or the board", async () => {
  const b = await api.participant('bob@example.org', 'Team Bob')
  const r = await api.submit(
    b.token,
    'en-25',
    [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 2) }],
    'bob random',
  )
  assert.equal(r.status, 202, JSON.stringify(r.body))
  assert.equal((await api.waitScored(b.token, r.body.submission.id, 180_000)).status, 'scored')
  bob = await visitor()
  await logIn(bob, 'bob@example.org')
  for (const path of [`/submissions/${aliceSpeechId}`, `/submissions/${aliceVisionId}`]) {
    const page = await go(bob, path)
    assert.equal(await page.locator('h1').innerText(), 'Not found')
    assert.doesNotMatch(await page.locator('main').innerText(), /random seed 1|Team Alice/)
  }
  const files = await bob.request.get(`${server.url}/api/v1/submissions/${aliceSpeechId}/files/0`)
  assert.equal(files.status(), 404)
  const board = await go(bob, '/boards/en-25')
  assert.equal(await board.locator('h1').innerText(), 'Not allowed')
  assert.match(await board.locator('main').innerText(), /hidden during phase open/)
  assert.equal(await board.locator('table').count(), 0)
  const home = await go(bob, '/')
  assert.match(await home.locator('#top-en-25').locator('..').innerText(), /hidden until the organizers publish it/)
})

test('an organizer marks a baseline and publishes the hidden boards; participants then see them, in order, with the scores of `eval`', async () => {
  const o = await api.participant('olga@example.org', 'Organizers')
  const promote = runCli(
    ['serve', 'make-organizer', 'olga@example.org', '--challenge', challenge, '--db', dbFile, '--state', state],
    root,
  )
  assert.equal(promote.code, 0, promote.stderr)
  const r = await api.submit(
    o.token,
    'en-25',
    [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 3) }],
    'official baseline',
  )
  assert.equal((await api.waitScored(o.token, r.body.submission.id, 180_000)).status, 'scored')
  olga = await visitor()
  const page = await logIn(olga, 'olga@example.org')
  await go(olga, '/organizer')
  await page.getByRole('button', { name: /Mark as baseline \(Organizers official baseline\)/ }).click()
  await page.waitForURL('**/organizer*')
  assert.equal(await page.locator('.flash').innerText(), 'Marked as a baseline row.')
  assert.match(await page.locator('.chain').innerText(), /Hash chain intact/)
  for (const id of ['en-25', 'vision']) {
    await page.getByRole('button', { name: `Publish ${id}` }).click()
    await page.waitForURL('**/organizer*')
    assert.match(await page.locator('.flash').innerText(), new RegExp(`Board ${id} published`))
  }
  // A phase's daily limit changed on the page is what the quota then says.
  await page.getByLabel('Daily limit per team and board').fill('6')
  await page.getByRole('button', { name: 'Save open' }).click()
  await page.waitForURL('**/organizer*')
  assert.equal(await page.locator('.flash').innerText(), 'Phase open saved.')
  assert.equal(await page.getByLabel('Daily limit per team and board').inputValue(), '6')
  assert.equal((await api.call('GET', 'boards/en-25/quota', { token: aliceToken })).body.limit, 6)
  await shoot(olga, '/organizer', 'organizer')

  const board = await go(bob, '/boards/en-25')
  const rows = board.locator('table.board tbody tr')
  assert.equal(await rows.count(), 3)
  const json = (await api.call('GET', 'boards/en-25/leaderboard', { token: o.token })).body as {
    rows: Array<{ team: string; score: number; baseline: boolean; rank: number | null }>
  }
  const scores = await rows
    .locator('td.score data')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('value'))))
  assert.deepEqual(
    scores,
    [...scores].sort((x, y) => y - x),
    'highest score first',
  )
  assert.deepEqual(
    await rows.locator('td:nth-child(2)').evaluateAll((els) => els.map((e) => e.getAttribute('data-value'))),
    json.rows.map((x) => x.team),
  )
  const baselineRow = board.locator('table.board tbody tr.baseline')
  assert.equal(await baselineRow.count(), 1)
  assert.match(await baselineRow.innerText(), /Organizers\s+baseline/)
  const aliceRow = rows.filter({ hasText: 'Team Alice' })
  assert.equal(Number(await aliceRow.locator('td.score data').getAttribute('value')), aliceScore.score)

  // Alice's own page now shows the score, each seed's F1 as `speech eval` computed them, and the manifest.
  const mine = await go(alice, `/submissions/${aliceSpeechId}`)
  assert.equal(Number(await mine.locator('.big-score data').getAttribute('value')), aliceScore.score)
  const perSeed = await mine
    .locator('details table tbody tr:not(.total) td data')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('value'))))
  assert.deepEqual(perSeed, aliceScore.scores)
  assert.equal(await mine.locator('figure.chart rect').count(), aliceScore.scores.length)
  const manifest = await alice.request.get(
    server.url + (await mine.getByRole('link', { name: 'Download the manifest' }).getAttribute('href'))!,
  )
  assert.equal(manifest.status(), 200)
  assert.equal((await manifest.json()).manifest.score, aliceScore.score)
  await shoot(alice, `/submissions/${aliceSpeechId}`, 'submission')

  const vision = await go(alice, `/submissions/${aliceVisionId}`)
  for (const t of ['Cupcake', 'Hawk', 'Sushi']) {
    const cells = await vision
      .locator('section table tbody tr', { has: vision.locator(`th`, { hasText: t }) })
      .locator('td data')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('value'))))
    const m = visionCli[t]!
    assert.deepEqual(cells, [m.accuracy, m.precision, m.recall, m.f1], t)
  }
})

test('export links download the board as CSV and JSON', async () => {
  const page = await go(bob, '/boards/en-25')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()])
  const csv = readFileSync((await download.path())!, 'utf8')
  const lines = csv.trim().split('\n')
  assert.equal(lines.length, 4, csv)
  assert.match(lines[0]!, /team/)
  assert.ok(lines.some((l) => l.includes('Team Alice')) && lines.some((l) => l.includes('Team Bob')))
  const json = await bob.request.get(
    server.url + (await page.getByRole('link', { name: 'JSON' }).getAttribute('href'))!,
  )
  assert.equal((await json.json()).rows.length, 3)
})

test('an open leaderboard page updates by itself when a new score lands', async () => {
  const page = await go(bob, '/boards/en-25')
  await page.evaluate(() => {
    ;(window as unknown as { marker: number }).marker = 9
  })
  const aliceRow = () => page.locator('table.board tbody tr').filter({ hasText: 'Team Alice' })
  assert.equal(await aliceRow().locator('td').nth(4).innerText(), '1')
  const r = await api.submit(
    aliceToken,
    'en-25',
    [{ name: 'en_25_train.json', bytes: speechSelection(challenge, 5) }],
    'random seed 5',
  )
  assert.equal(r.status, 202, JSON.stringify(r.body))
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('table.board tbody tr')].some(
        (tr) => tr.textContent?.includes('Team Alice') && tr.querySelectorAll('td')[4]?.textContent === '2',
      ),
    undefined,
    { timeout: 180_000 },
  )
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 9, 'no reload')
  assert.equal(await page.locator('figure.chart svg path').count(), 3)
})

test('the home and leaderboard pages read with JavaScript off', async () => {
  const off = await visitor({ javaScriptEnabled: false })
  const home = await go(off, '/')
  assert.equal(await home.locator('h1').innerText(), 'Test challenge')
  assert.match(await home.locator('.deadline').innerText(), /Submissions close 2100-01-01 00:00 UTC/)
  assert.match(await home.locator('main').innerText(), /npx dataperf download speech --languages en/)
  assert.ok((await home.locator('#top-en-25').locator('..').locator('table tbody tr').count()) >= 2)
  const board = await go(off, '/boards/vision')
  assert.deepEqual(await board.locator('table.board thead th').allInnerTexts(), [
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
  assert.equal(await board.locator('table.board tbody tr').count(), 1)
  assert.equal(await board.locator('figure.chart > svg').count(), 1)
  await off.close()
  await shoot(bob, '/', 'home')
  await shoot(bob, '/boards/en-25', 'leaderboard')
  await shoot(bob, '/boards/vision', 'leaderboard-vision')
  await shoot(alice, '/submit', 'submit')
  await shoot(alice, '/team', 'team')
})

test('too many log-in attempts get a sentence saying to wait, not an error code', async () => {
  const context = await visitor()
  const page = await go(context, '/login')
  let message = ''
  for (let i = 0; i < 15 && !/Too many attempts/.test(message); i++) {
    await page.getByLabel('E-mail').fill('alice@example.org')
    await page.getByLabel('Password').fill(`wrong ${i}`)
    await page.getByRole('button', { name: 'Log in' }).click()
    message = await page.getByRole('alert').innerText()
  }
  assert.equal(message, 'Too many attempts from here in a short time. Wait a minute, then try again.')
  assert.equal(await page.getByLabel('E-mail').inputValue(), 'alice@example.org')
  await context.close()
})
