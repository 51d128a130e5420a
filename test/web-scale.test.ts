/**
 * The pages at deadline-day scale, in Debian's Chromium: a board of 1,001 teams (10,000 scored
 * submissions written into the database, one team of a real account), served by `dataperf serve`.
 * A page of 50 rows with a pager and a search, under 60 KB of HTML; the visitor's team pinned
 * with a jump to its rank; a chart of the top ten and the visitor's team with its legend in rank
 * order, distinct colours, time labels in the visitor's zone that no edge cuts, at desktop and
 * phone widths; the page refetched only when a change touches what it shows; the organizers'
 * submissions a page at a time and searchable. Screenshots at both widths go to
 * $DATAPERF_SCREENSHOTS when set (docs/screenshots/ was made so).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { loadChallenge } from '../src/server/challenge/load.js'
import { openDb } from '../src/server/db/open.js'
import { makeOrganizer, signUp } from '../src/server/services/accounts.js'
import { createContext, type ServerContext } from '../src/server/services/context.js'
import { refreshTeamStandings } from '../src/server/services/standings.js'
import { createTeam } from '../src/server/services/teams.js'
import { Rng } from '../src/ml/rng.js'
import { scoredSubmission, seedBoard, type SeededTeam } from './helpers/board-seed.js'
import { DESKTOP, launchBrowser, newVisitor, openPage, PHONE } from './helpers/browser.js'
import { makeChallenge, startProc, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

const PASSWORD = 'correct horse battery'
const START = new Date('2026-11-01T00:00:00Z')
let root: string, dbFile: string, server: Proc, browser: Browser, shots: string
let ctx: ServerContext, teams: SeededTeam[]
let ada: BrowserContext

before(async () => {
  root = tempFolder('web-scale')
  const challenge = makeChallenge(join(root, 'challenge'))
  const state = join(root, 'state')
  dbFile = join(state, 'server.sqlite')
  mkdirSync(state, { recursive: true })
  const db = await openDb(dbFile)
  ctx = createContext(db, loadChallenge(challenge))
  teams = await seedBoard(db, {
    board: 'en-25',
    teams: 1000,
    perTeam: 10,
    seed: 4,
    start: START,
    spreadMs: 14 * 86_400_000,
  })
  // Ada's team: five middling scores, so its row is far from the first page
  const user = await signUp(ctx, { email: 'ada@example.org', name: 'Ada', password: PASSWORD })
  const team = await createTeam(ctx, user, 'Ada Lab')
  const rng = new Rng(12)
  for (let k = 0; k < 5; k++) {
    const row = scoredSubmission(rng, {
      board: 'en-25',
      phase: 'open',
      teamId: team.id,
      userId: user.id,
      at: new Date(START.getTime() + (k + 1) * 2 * 86_400_000),
      method: `ada method ${k}`,
    })
    await db.kysely
      .insertInto('submissions')
      .values({ ...row, score: 0.55 })
      .execute()
  }
  await signUp(ctx, { email: 'olga@example.org', name: 'Olga', password: PASSWORD })
  await makeOrganizer(ctx, 'olga@example.org')
  server = await startProc(
    ['serve', '--challenge', challenge, '--db', dbFile, '--state', state, '--port', '0', '--workers', '0'],
    root,
  )
  browser = await launchBrowser()
  shots = process.env['DATAPERF_SCREENSHOTS'] ?? join(root, 'screenshots')
  mkdirSync(shots, { recursive: true })
  ada = await visitor({ timezoneId: 'Asia/Tokyo' })
  await logIn(ada, 'ada@example.org')
})

after(async () => {
  await browser?.close()
  await server?.stop()
  await ctx?.db.close()
})

async function visitor(opts: Parameters<typeof newVisitor>[1] = {}): Promise<BrowserContext> {
  const context = await newVisitor(browser, opts)
  context.setDefaultTimeout(20_000)
  return context
}

const go = (context: BrowserContext, path: string): Promise<Page> => openPage(context, server.url + path)

async function logIn(context: BrowserContext, email: string): Promise<void> {
  const page = await go(context, '/login')
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(server.url + '/')
}

/** The ranks shown in the board table, in order. */
const ranks = (page: Page) =>
  page.locator('[data-live-region="board"] > .table-wrap table.board tbody tr td:first-child').allInnerTexts()

test('a board of 1,001 teams: 50 rows a page with a pager and a search; the first screen is under 60 KB of HTML', async () => {
  const anonymous = await visitor()
  const response = await anonymous.request.get(`${server.url}/boards/en-25`)
  const bytes = (await response.body()).length
  assert.ok(bytes < 60 * 1024, `${bytes} bytes of HTML for a visitor`)
  const mine = await ada.request.get(`${server.url}/boards/en-25`)
  assert.ok((await mine.body()).length < 60 * 1024, `${(await mine.body()).length} bytes for a team member`)
  const page = await go(anonymous, '/boards/en-25')
  assert.deepEqual(
    await ranks(page),
    Array.from({ length: 50 }, (_, i) => String(i + 1)),
  )
  assert.equal(await page.locator('nav.pager .pager-count').innerText(), 'Rows 1–50 of 1,001')
  const nodes = await page.evaluate(() => document.getElementsByTagName('*').length)
  assert.ok(nodes < 2500, `${nodes} DOM nodes`)
  await page.getByRole('link', { name: 'Next ›' }).first().click()
  await page.waitForURL('**/boards/en-25?page=2')
  assert.deepEqual(
    await ranks(page),
    Array.from({ length: 50 }, (_, i) => String(i + 51)),
  )
  await page.getByRole('link', { name: '21', exact: true }).click()
  assert.equal(await page.locator('nav.pager .pager-count').innerText(), 'Rows 1,001–1,001 of 1,001')
  // search: every team whose name contains "Team 51", with its rank on the whole board
  await page.getByLabel('Find a team or method').fill('team 51')
  await page.getByRole('button', { name: 'Search' }).click()
  await page.waitForURL('**/boards/en-25?q=team+51')
  const names = await page.locator('table.board tbody tr td:nth-child(2)').allInnerTexts()
  assert.deepEqual([...names].sort(), ['Team 51', ...Array.from({ length: 10 }, (_, i) => `Team ${510 + i}`)].sort())
  const api = (await (
    await anonymous.request.get(`${server.url}/api/v1/boards/en-25/leaderboard?q=team%2051`)
  ).json()) as {
    rows: Array<{ rank: number }>
  }
  assert.deepEqual(
    await ranks(page),
    api.rows.map((r) => String(r.rank)),
  )
  await anonymous.close()
})

test("the visitor's team is pinned above the board with a jump to its rank", async () => {
  const page = await go(ada, '/boards/en-25')
  const api = (await (
    await ada.request.get(`${server.url}/api/v1/boards/en-25/leaderboard?team=Ada%20Lab&limit=50`)
  ).json()) as {
    position: number
    page: number
    rows: Array<{ rank: number }>
  }
  const rank = api.rows[0]!.rank
  assert.ok(api.page > 1, 'Ada Lab is not on the first page')
  const pinned = page.locator('section.my-team')
  assert.equal(await pinned.locator('h2').innerText(), `Your team: rank ${rank}`)
  assert.match(await pinned.locator('table tbody tr').innerText(), /Ada Lab/)
  await pinned.getByRole('link', { name: `Jump to your rank (page ${api.page})` }).click()
  await page.waitForURL(`**/boards/en-25?page=${api.page}#pos-${api.position}`)
  const row = page.locator('table.board tbody tr.mine')
  assert.equal(await row.count(), 1, 'on its own page the row is marked in place, not repeated above')
  assert.equal(await pinned.getByRole('link', { name: 'Go to your row' }).count(), 1)
  assert.equal(await page.locator(`tr#pos-${api.position}`).getAttribute('class'), 'mine')
  assert.equal(await page.locator(`tr#pos-${api.position} td`).first().innerText(), String(rank))
  assert.equal(await page.evaluate(() => location.hash), `#pos-${api.position}`)
})

/** The x-axis labels' boxes and the viewBox width, as the browser lays them out. */
function axisLabels(page: Page) {
  return page.evaluate(() => {
    const svg = document.querySelector('figure.chart svg') as SVGSVGElement
    const width = svg.viewBox.baseVal.width
    const axis = svg.querySelector('g[data-time-axis]') as SVGGElement
    const texts = [...axis.querySelectorAll<SVGTextElement>('g.ticks text')].filter(
      (t) => t.getAttribute('visibility') !== 'hidden',
    )
    return {
      width,
      zone: axis.querySelector('text.zone')!.textContent,
      t0: Number(axis.dataset['t0']),
      t1: Number(axis.dataset['t1']),
      x0: Number(axis.dataset['x0']),
      x1: Number(axis.dataset['x1']),
      labels: texts.map((t) => {
        const b = t.getBBox()
        return { text: t.textContent ?? '', left: b.x, right: b.x + b.width, x: Number(t.getAttribute('x')) }
      }),
      yLabels: [...svg.querySelectorAll<SVGTextElement>('g.grid text')].map((t) => t.getBBox().x),
    }
  })
}

test("the chart: the top ten and the visitor's team, legend in rank order, distinct colours, local time labels that no edge cuts", async () => {
  const page = await go(ada, '/boards/en-25')
  const legend = await page.locator('figure.chart .legend li').allInnerTexts()
  assert.equal(legend.length, 11)
  const legendRanks = legend.map((l) => Number(/^(\d+)\./.exec(l)?.[1]))
  assert.deepEqual(legendRanks.slice(0, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  assert.ok(legendRanks[10]! > 10)
  assert.match(legend[10]!, /Ada Lab \(your team\): best 0\.5500/)
  const colours = await page
    .locator('figure.chart svg g.series path')
    .evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')))
  assert.equal(new Set(colours).size, 11, `colours ${colours.join(' ')}`)
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size)
    await page.waitForTimeout(100)
    const axis = await axisLabels(page)
    assert.equal(axis.zone, 'Time (Asia/Tokyo)')
    assert.ok(axis.labels.length >= 2, `${axis.labels.length} labels at ${size.width}px`)
    for (const l of axis.labels) {
      assert.ok(
        l.left >= 0 && l.right <= axis.width,
        `'${l.text}' cut at ${size.width}px: ${l.left}..${l.right} of ${axis.width}`,
      )
      // each tick is a round local time: midnight in Tokyo (the axis spans two weeks: daily or longer steps)
      const at = new Date(axis.t0 + ((l.x - axis.x0) / (axis.x1 - axis.x0)) * (axis.t1 - axis.t0))
      const tokyo = new Date(at.getTime() + 9 * 3600_000)
      const minutes = tokyo.getUTCHours() * 60 + tokyo.getUTCMinutes()
      assert.ok(minutes < 5 || minutes > 24 * 60 - 5, `'${l.text}' at ${at.toISOString()} is not a Tokyo midnight`)
      assert.match(l.text, /^[A-Z][a-z]{2} \d{1,2}$/)
    }
    for (const x of axis.yLabels) assert.ok(x >= 0, `a score label cut at ${size.width}px`)
    // a legend's swatch is a short line, whatever the legend's wrapping
    const swatches = await page
      .locator('figure.chart .legend svg.swatch')
      .evaluateAll((ss) => ss.map((s) => s.getBoundingClientRect().width))
    for (const w of swatches) assert.ok(w > 0 && w < 40, `a legend swatch ${w}px wide at ${size.width}px`)
    await page.screenshot({
      path: join(shots, `leaderboard-1000-teams-${size === DESKTOP ? 'desktop' : 'phone'}.png`),
      fullPage: true,
    })
  }
  await page.setViewportSize(DESKTOP)
  // more teams on request
  await page.getByLabel('Add a team to the chart').fill('Team 777')
  await page.getByRole('button', { name: 'Add' }).click()
  await page.waitForURL('**/boards/en-25?with=Team+777')
  const more = await page.locator('figure.chart .legend li').allInnerTexts()
  assert.equal(more.length, 12)
  assert.ok(more.some((l) => /Team 777: best/.test(l)))
})

test('a viewer fetches the page again only when a change touches its rows, its chart or its team', async () => {
  const viewer = await visitor()
  const page = await go(viewer, '/boards/en-25?page=10') // rows 451-500
  let fetches = 0
  page.on('request', (r) => {
    if (r.url().includes('/boards/en-25?page=10')) fetches++
  })
  const live = page.locator('[data-live-region="board"]')
  const version = async () => Number(await live.getAttribute('data-live-version'))
  const v0 = await version()
  // the last team moves up a little (places 990-1001): not this page, not the chart
  const rows = (await (
    await viewer.request.get(`${server.url}/api/v1/boards/en-25/leaderboard?limit=1000&page=2`)
  ).json()) as {
    rows: Array<{ team: string; score: number }>
  }
  const last = rows.rows[0]!
  await scoreAgain(last.team, last.score + 0.0005)
  await page.waitForFunction(
    (v) => Number(document.querySelector('[data-live-region="board"]')!.getAttribute('data-live-version')) > v,
    v0,
  )
  assert.equal(fetches, 0, 'a change far below this page does not fetch it')
  // a team from this page jumps to the top: places 1-470 or so moved, this page among them
  const here = (await page.locator('table.board tbody tr td:nth-child(2)').allInnerTexts())[10]!
  await scoreAgain(here, 0.99)
  // refetched: the team left this page (it is first now) and leads the chart's legend
  await page.waitForFunction(
    (team) =>
      ![...document.querySelectorAll('table.board tbody tr td:nth-child(2)')].some((td) => td.textContent === team) &&
      document.querySelector('figure.chart .legend li')?.textContent?.startsWith(`1. ${team}:`) === true,
    here,
  )
  assert.ok(fetches >= 1)
  assert.match(await page.locator('figure.chart .legend li').first().innerText(), new RegExp(`^1\\. ${here}:`))
  await viewer.close()
})

/** A new scored submission of a team, written by another connection (as a worker process would). */
async function scoreAgain(teamName: string, score: number): Promise<void> {
  const team = teams.find((t) => t.name === teamName)!
  const row = scoredSubmission(new Rng(score * 1e6), {
    board: 'en-25',
    phase: 'open',
    teamId: team.id,
    userId: team.userId,
    at: new Date('2026-11-20T00:00:00Z'),
    method: 'late',
  })
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('submissions')
      .values({ ...row, score })
      .execute()
    await refreshTeamStandings(ctx, trx, 'en-25', 'open', team.id)
  })
}

test("the organizers' submissions: 50 a page, newest first, searchable", async () => {
  const olga = await visitor()
  await logIn(olga, 'olga@example.org')
  const page = await go(olga, '/organizer')
  const subs = page.locator('#subs-h').locator('..')
  assert.equal(await subs.locator('table tbody tr').count(), 50)
  const total = Number(
    /of ([\d,]+)/.exec(await subs.locator('nav.pager .pager-count').innerText())![1]!.replace(/,/g, ''),
  )
  assert.ok(total >= 10_005, `${total} submissions`)
  await subs.getByRole('link', { name: 'Next ›' }).click()
  await page.waitForURL('**/organizer?page=2#subs-h')
  assert.match(await subs.locator('nav.pager .pager-count').innerText(), /^Rows 51–100 of/)
  await page.getByLabel('Find submissions').fill('ada lab')
  await page.getByRole('button', { name: 'Search' }).click()
  await page.waitForURL('**/organizer?q=ada+lab#subs-h')
  const teamsShown = await subs.locator('table tbody tr td:nth-child(5)').allInnerTexts()
  assert.deepEqual(teamsShown, ['Ada Lab', 'Ada Lab', 'Ada Lab', 'Ada Lab', 'Ada Lab'])
  await page.goto(`${server.url}/organizer`)
  for (const [kind, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size)
    await page.evaluate(() => document.getElementById('subs-h')!.scrollIntoView())
    await page.screenshot({ path: join(shots, `organizer-1000-teams-${kind}.png`), fullPage: false })
  }
  await olga.close()
})
