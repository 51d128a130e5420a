// A board's rescoring, which runs in the background: its progress (followed live over server-sent
// events, or by a <noscript> refresh), and once done the teams whose rank or score changed.
import { html, userText, type SafeHtml } from '../html.js'
import { layout } from '../layout.js'
import { formatScore, timeHtml } from '../format.js'
import type { PageContext, RescoreView } from '../view-models.js'

function changesTable(v: RescoreView): SafeHtml {
  const changes = v.changes ?? []
  if (changes.length === 0) return html`<p>No rank or score changed.</p>`
  return html`<div class="table-wrap"><table><caption>Rank changes on ${v.board}</caption>
<thead><tr><th scope="col">Team</th><th scope="col" class="num">Rank before</th><th scope="col" class="num">Rank after</th><th scope="col" class="num">Score before</th><th scope="col" class="num">Score after</th></tr></thead>
<tbody>${changes.map((c) => html`<tr><th scope="row">${userText(c.team)}</th><td class="num">${c.rankBefore ?? '–'}</td><td class="num">${c.rankAfter ?? '–'}</td><td class="num">${c.scoreBefore === undefined ? '–' : formatScore(c.scoreBefore)}</td><td class="num">${c.scoreAfter === undefined ? '–' : formatScore(c.scoreAfter)}</td></tr>`)}</tbody></table></div>`
}

export function rescorePage(ctx: PageContext, v: RescoreView): SafeHtml {
  const running = v.status === 'running'
  return layout(
    ctx,
    {
      title: `Rescoring ${v.board}`,
      head: running ? html`<noscript><meta http-equiv="refresh" content="5"></noscript>` : '',
    },
    html`
<h1>Rescoring <a href="/boards/${v.board}">${v.board}</a></h1>
<p><a href="/organizer">Organizer</a> · started ${timeHtml(v.startedAt)}${v.finishedAt ? html` · finished ${timeHtml(v.finishedAt)}` : ''}</p>
<div data-live-region="rescore" data-live-url="${v.eventsUrl}" data-live-status="${v.status}">
<div class="card status" data-status="${v.status}">
  <p class="status-line">${running ? html`Running: <strong data-stage>${v.done + v.failed} of ${v.total}</strong> submissions rescored. You may leave this page; the rescoring goes on, and asking again for this board brings you back here.` : html`Done: ${v.done} of ${v.total} submissions rescored${v.failed > 0 ? html`; ${v.failed} failed (their submission pages say why)` : ''}.`}</p>
  ${running ? html`<progress data-progress max="${v.total}" value="${v.done + v.failed}" aria-label="Rescoring progress"></progress>` : ''}
</div>
${running ? '' : html`<section aria-labelledby="changes-h"><h2 id="changes-h">Rank changes</h2>${changesTable(v)}</section>`}
</div>`,
  )
}
