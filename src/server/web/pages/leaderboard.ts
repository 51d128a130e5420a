// A board's leaderboard: the switch between boards (speech by language and cap), the ranked table,
// the best-score-over-time chart and the export links. The table and chart sit in a live region that
// the client script refreshes when the server announces a new score.
import { html, userText, type SafeHtml } from '../html.js'
import { layout } from '../layout.js'
import { boardTitle, languageName } from '../format.js'
import { leaderboardTable, pagerNav } from '../components.js'
import { bestScoreChart } from '../chart.js'
import type { BoardView, LeaderboardView, PageContext } from '../view-models.js'

/** The board another language or cap points to: same cap (or language) when it exists. */
function speechTarget(
  boards: readonly BoardView[],
  current: BoardView,
  change: { language?: string; trainSize?: number },
): BoardView | undefined {
  const language = change.language ?? current.language
  const size = change.trainSize ?? current.trainSize
  const speech = boards.filter((b) => b.track === 'speech')
  return (
    speech.find((b) => b.language === language && b.trainSize === size) ??
    speech.find((b) => (change.language ? b.language === language : b.trainSize === size))
  )
}

function boardSwitch(view: LeaderboardView): SafeHtml {
  const cur = view.board
  const speech = view.boards.filter((b) => b.track === 'speech')
  const others = view.boards.filter((b) => b.track !== 'speech')
  const languages = [...new Set(speech.map((b) => b.language).filter((l): l is string => !!l))]
  const sizes = [...new Set(speech.map((b) => b.trainSize).filter((s): s is number => s !== undefined))].sort(
    (a, b) => a - b,
  )
  const link = (target: BoardView | undefined, label: string, current: boolean) =>
    target
      ? html`<a href="/boards/${target.id}"${current ? html` aria-current="page"` : ''}>${label}</a>`
      : html`<span class="muted">${label}</span>`
  return html`<nav class="switch" aria-label="Boards">
  ${
    speech.length > 0
      ? html`<div class="group"><span class="group-label" id="sw-lang">Speech language</span><ul aria-labelledby="sw-lang">${languages.map((l) => html`<li>${link(speechTarget(view.boards, cur.track === 'speech' ? cur : speech[0]!, { language: l }), languageName(l), cur.track === 'speech' && cur.language === l)}</li>`)}</ul></div>
  <div class="group"><span class="group-label" id="sw-cap">Training-set cap</span><ul aria-labelledby="sw-cap">${sizes.map((s) => html`<li>${link(speechTarget(view.boards, cur.track === 'speech' ? cur : speech[0]!, { trainSize: s }), `${s} clips`, cur.track === 'speech' && cur.trainSize === s)}</li>`)}</ul></div>`
      : ''
  }
  ${others.length > 0 ? html`<div class="group"><span class="group-label" id="sw-other">Vision</span><ul aria-labelledby="sw-other">${others.map((b) => html`<li>${link(b, b.id, b.id === cur.id)}</li>`)}</ul></div>` : ''}
</nav>`
}

/** The board page's own address with other search, page or chart teams (what the links keep). */
function pageHref(view: LeaderboardView, change: { page?: number; q?: string | undefined; with?: string[] }): string {
  const q = new URLSearchParams()
  const query = 'q' in change ? change.q : view.query
  if (query) q.set('q', query)
  const page = change.page ?? 1
  if (page > 1) q.set('page', String(page))
  for (const t of change.with ?? view.chartWith ?? []) q.append('with', t)
  const s = q.toString()
  return `/boards/${encodeURIComponent(view.board.id)}${s ? `?${s}` : ''}`
}

/** The visitor's team: its row pinned above the board, and a link to the page that holds it. */
function myTeamBlock(view: LeaderboardView): SafeHtml {
  const mine = view.myTeam
  if (!mine) return html``
  const rank = mine.row.rank
  const jump = `${pageHref(view, { page: mine.page, q: undefined })}#pos-${mine.row.position ?? ''}`
  return html`<section class="my-team" aria-labelledby="my-team-h">
  <h2 id="my-team-h">Your team${rank !== null ? html`: rank ${rank}` : ''}</h2>
  ${mine.onPage && !view.query ? '' : leaderboardTable(view.board, [{ ...mine.row, position: undefined }], { caption: `Your team's row on ${view.board.id}` })}
  <p><a href="${jump}" class="jump">${mine.onPage && !view.query ? 'Go to your row' : `Jump to your rank (page ${mine.page})`}</a></p>
</section>`
}

function searchForm(view: LeaderboardView): SafeHtml {
  return html`<form method="get" action="/boards/${view.board.id}" class="board-search" role="search">
  <label for="board-q">Find a team or method</label>
  <input id="board-q" name="q" type="search" value="${view.query ?? ''}" maxlength="200" placeholder="team or method">
  ${(view.chartWith ?? []).map((t) => html`<input type="hidden" name="with" value="${t}">`)}
  <button type="submit" class="small">Search</button>
  ${view.query ? html`<a href="${pageHref(view, { q: undefined })}">Show the whole board</a>` : ''}
</form>`
}

/** Up to three more teams on the chart (?with=NAME), beyond the top ten and the visitor's own. */
function chartTeamsForm(view: LeaderboardView): SafeHtml {
  const extra = view.chartWith ?? []
  return html`<form method="get" action="/boards/${view.board.id}" class="chart-teams">
  ${view.query ? html`<input type="hidden" name="q" value="${view.query}">` : ''}
  ${extra.map((t) => html`<input type="hidden" name="with" value="${t}">`)}
  <label for="chart-with">Add a team to the chart</label>
  <input id="chart-with" name="with" type="text" maxlength="200"${extra.length >= 3 ? html` disabled` : ''}>
  <button type="submit" class="small secondary"${extra.length >= 3 ? html` disabled` : ''}>Add</button>
  ${extra.length > 0 ? html`<a href="${pageHref(view, { with: [] })}">Top ten only</a>` : ''}
</form>`
}

export function leaderboardPage(ctx: PageContext, view: LeaderboardView): SafeHtml {
  const b = view.board
  const p = view.pager
  const live = view.eventsUrl
    ? html` data-live-url="${view.eventsUrl}" data-live-version="${view.version ?? 0}"${p ? html` data-live-from="${p.from}" data-live-to="${p.to}" data-live-total="${p.total}"` : ''}${view.query ? html` data-live-query="${view.query}"` : ''}${view.myTeam ? html` data-live-team="${view.myTeam.row.team}"` : ''}`
    : ''
  return layout(
    ctx,
    { title: `Leaderboard ${b.id}` },
    html`
<h1>${boardTitle(b)} <span class="muted">(${b.id})</span></h1>
${boardSwitch(view)}
${view.hidden ? html`<p class="notice" role="note">This board is hidden: only organizers see it until it is published.</p>` : ''}
<p class="muted">Ranked by ${b.track === 'vision' ? 'the mean F1 over the tasks' : 'the mean macro F1 over the evaluation seeds'}; each team's ${view.rule === 'best' ? 'best' : 'latest'} submission counts; ties go to the earlier submission. Baseline rows are marked.</p>
<div data-live-region="board"${live}>
${myTeamBlock(view)}
${searchForm(view)}
${view.query && p?.total === 0 ? html`<p class="empty">No team or method contains “${userText(view.query)}”.</p>` : leaderboardTable(b, view.rows, { caption: view.query ? `Rows of ${b.id} matching “${view.query}”` : `Leaderboard for ${b.id}` })}
${p ? pagerNav(p, (n) => pageHref(view, { page: n }), `Pages of the ${b.id} leaderboard`) : ''}
<p class="exports">Download this board: <a href="${view.csvUrl}" download>CSV</a> · <a href="${view.jsonUrl}">JSON</a></p>
<section aria-labelledby="chart-h">
  <h2 id="chart-h">Best score over time</h2>
  <p class="muted">The top ten teams${view.myTeam ? ', yours' : ''}${(view.chartWith ?? []).length > 0 ? ' and the teams you added' : ''}, and the baselines; the legend is in rank order.</p>
  ${bestScoreChart(view.series, { title: `Best score over time of the top teams on ${b.id}`, until: view.now })}
  ${chartTeamsForm(view)}
</section>
</div>`,
  )
}

/** /leaderboards: every board the visitor may see, with a line on each. */
export function leaderboardsIndexPage(ctx: PageContext, boards: readonly BoardView[]): SafeHtml {
  return layout(
    ctx,
    { title: 'Leaderboards' },
    html`
<h1>Leaderboards</h1>
${boards.length === 0 ? html`<p class="empty">No board is visible yet.</p>` : html`<ul class="board-list">${boards.map((b) => html`<li><a href="/boards/${b.id}">${boardTitle(b)}</a> <span class="muted">${b.id}${b.hidden ? ' · hidden' : ''}</span></li>`)}</ul>`}`,
  )
}
