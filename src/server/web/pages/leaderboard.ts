// A board's leaderboard: the switch between boards (speech by language and cap), the ranked table,
// the best-score-over-time chart and the export links. The table and chart sit in a live region that
// the client script refreshes when the server announces a new score.
import { html, type SafeHtml } from '../html.js'
import { layout } from '../layout.js'
import { boardTitle, languageName } from '../format.js'
import { leaderboardTable } from '../components.js'
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

export function leaderboardPage(ctx: PageContext, view: LeaderboardView): SafeHtml {
  const b = view.board
  return layout(
    ctx,
    { title: `Leaderboard ${b.id}` },
    html`
<h1>${boardTitle(b)} <span class="muted">(${b.id})</span></h1>
${boardSwitch(view)}
${view.hidden ? html`<p class="notice" role="note">This board is hidden: only organizers see it until it is published.</p>` : ''}
<p class="muted">Ranked by ${b.track === 'vision' ? 'the mean F1 over the tasks' : 'the mean macro F1 over the evaluation seeds'}; each team's ${view.rule === 'best' ? 'best' : 'latest'} submission counts; ties go to the earlier submission. Baseline rows are marked.</p>
<div data-live-region="board"${view.eventsUrl ? html` data-live-url="${view.eventsUrl}" data-live-version="${view.version ?? 0}"` : ''}>
${leaderboardTable(b, view.rows, { caption: `Leaderboard for ${b.id}` })}
<p class="exports">Download this board: <a href="${view.csvUrl}" download>CSV</a> · <a href="${view.jsonUrl}">JSON</a></p>
<section aria-labelledby="chart-h">
  <h2 id="chart-h">Best score over time</h2>
  ${bestScoreChart(view.series, { title: `Best score over time per team on ${b.id}`, until: view.now })}
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
