// Organizer: phases (dates, limits, visibility, rule), publishing hidden boards, baselines,
// rescoring with its rank changes, the audit log with its chain status, queue and worker health.
import { html, userText, type SafeHtml } from '../html.js'
import { csrfField, layout } from '../layout.js'
import { boardTitle, timeHtml } from '../format.js'
import { pagerNav, submissionsTable } from '../components.js'
import type { OrganizerView, PageContext, PhaseView } from '../view-models.js'

/** The value of a datetime-local input, in UTC (the form says so). */
export function utcInputValue(d: Date): string {
  return d.toISOString().slice(0, 16)
}

function phaseForm(ctx: PageContext, p: PhaseView, i: number, errors: OrganizerView['errors']): SafeHtml {
  const err = errors[`phase:${p.name}`]
  const id = (f: string) => `ph${i}-${f}`
  return html`<form method="post" action="/organizer/phases/${encodeURIComponent(p.name)}" class="card phase-form">
  <h3>${p.name}</h3>
  ${csrfField(ctx)}
  <div class="grid">
    <div class="field"><label for="${id('start')}">Start (UTC)</label><input id="${id('start')}" name="start" type="datetime-local" value="${utcInputValue(p.start)}" required></div>
    <div class="field"><label for="${id('end')}">End (UTC)</label><input id="${id('end')}" name="end" type="datetime-local" value="${utcInputValue(p.end)}" required></div>
    <div class="field"><label for="${id('limit')}">Daily limit per team and board</label><input id="${id('limit')}" name="daily_limit" type="number" min="0" step="1" value="${p.dailyLimit}" required></div>
    <div class="field"><label for="${id('lb')}">Leaderboard</label><select id="${id('lb')}" name="leaderboard">
      <option value="public"${p.leaderboard === 'public' ? html` selected` : ''}>public</option>
      <option value="hidden"${p.leaderboard === 'hidden' ? html` selected` : ''}>hidden</option></select></div>
    <div class="field"><label for="${id('rule')}">A team's row</label><select id="${id('rule')}" name="rule">
      <option value="best"${p.rule === 'best' ? html` selected` : ''}>best submission</option>
      <option value="latest"${p.rule === 'latest' ? html` selected` : ''}>latest submission</option></select></div>
  </div>
  ${err ? html`<p class="error" role="alert">${err}</p>` : ''}
  <p><button type="submit">Save ${p.name}</button></p>
</form>`
}

/** /organizer at another page of submissions, keeping the search. */
function organizerHref(page: number, q: string | undefined): string {
  const params = new URLSearchParams()
  if (q) params.set('q', q)
  if (page > 1) params.set('page', String(page))
  const s = params.toString()
  return `/organizer${s ? `?${s}` : ''}#subs-h`
}

export function organizerPage(ctx: PageContext, v: OrganizerView): SafeHtml {
  const q = v.health.queue
  return layout(
    ctx,
    { title: 'Organizer' },
    html`
<h1>Organizer</h1>
${v.duplicates ? html`<p class="notice" role="note"><a href="/organizer/duplicates">${v.duplicates === 1 ? 'One file was' : `${v.duplicates} files were`} submitted by more than one team</a>: each is scored the same for every team that sent it.</p>` : ''}
<nav class="toc" aria-label="On this page"><ul><li><a href="#phases-h">Phases</a></li><li><a href="#boards-h">Boards</a></li><li><a href="#subs-h">Baselines</a></li><li><a href="#audit-h">Audit log</a></li><li><a href="#health-h">Health</a></li><li><a href="/organizer/teams">Teams and their history</a></li></ul></nav>
<section aria-labelledby="phases-h">
  <h2 id="phases-h">Phases</h2>
  ${v.phases.map((p, i) => phaseForm(ctx, p, i, v.errors))}
</section>
<section aria-labelledby="boards-h">
  <h2 id="boards-h">Boards</h2>
  <div class="table-wrap"><table><caption>Boards, their visibility, publishing and rescoring</caption>
  <thead><tr><th scope="col">Board</th><th scope="col">Visibility</th><th scope="col">Actions</th></tr></thead>
  <tbody>${v.boards.map(
    (
      b,
    ) => html`<tr><th scope="row"><a href="/boards/${b.id}">${b.id}</a> <span class="muted">${boardTitle(b)}</span></th>
    <td>${b.hidden ? html`<span class="badge hidden-tag">hidden</span>` : 'visible'}</td>
    <td class="actions">${b.hidden ? html`<form method="post" action="/organizer/boards/${b.id}/publish" class="inline">${csrfField(ctx)}<button type="submit" class="small">Publish<span class="visually-hidden"> ${b.id}</span></button></form>` : ''}
      <form method="post" action="/organizer/boards/${b.id}/rescore" class="inline" data-confirm="Rescore every submission of ${b.id}?">${csrfField(ctx)}<button type="submit" class="small secondary">Rescore<span class="visually-hidden"> ${b.id}</span></button></form></td></tr>`,
  )}</tbody></table></div>
  ${v.errors['boards'] ? html`<p class="error" role="alert">${v.errors['boards']}</p>` : ''}
</section>
<section aria-labelledby="subs-h">
  <h2 id="subs-h">Submissions and baselines</h2>
  <p class="muted">Mark the official baseline, random or cleanlab rows; they stay on the board, marked, and are ranked like the others.</p>
  <form method="get" action="/organizer#subs-h" class="board-search" role="search">
    <label for="subs-q">Find submissions</label>
    <input id="subs-q" name="q" type="search" value="${v.submissionsQuery ?? ''}" maxlength="200" placeholder="team, method, board or id">
    <button type="submit" class="small">Search</button>
    ${v.submissionsQuery ? html`<a href="/organizer#subs-h">All submissions</a>` : ''}
  </form>
  ${v.submissionsQuery && v.submissionsPager?.total === 0 ? html`<p class="empty">No submission of a team, method or board containing “${userText(v.submissionsQuery)}”.</p>` : ''}
  ${submissionsTable(v.submissions, {
    caption: v.submissionsQuery
      ? `Submissions matching “${v.submissionsQuery}”, newest first`
      : 'Submissions, newest first',
    showTeam: true,
    actions: (r) =>
      r.status === 'scored'
        ? html`<form method="post" action="/organizer/submissions/${r.id}/baseline" class="inline">${csrfField(ctx)}<input type="hidden" name="baseline" value="${r.baseline ? 'false' : 'true'}"><button type="submit" class="small secondary">${r.baseline ? 'Unmark baseline' : 'Mark as baseline'}<span class="visually-hidden"> (${r.team ?? ''} ${r.method})</span></button></form>`
        : '',
  })}
  ${v.submissionsPager ? pagerNav(v.submissionsPager, (n) => organizerHref(n, v.submissionsQuery), 'Pages of submissions') : ''}
</section>
<section aria-labelledby="audit-h">
  <h2 id="audit-h">Audit log</h2>
  <p class="chain ${v.audit.chain.ok ? 'ok' : 'broken'}" role="status">${
    v.audit.chain.ok
      ? html`Hash chain intact (${v.audit.entries.length} latest entries shown).`
      : html`<strong>Hash chain broken at entry ${v.audit.chain.brokenAt ?? '?'}</strong>: an entry was changed or removed after it was written. Run <code>dataperf serve audit-verify</code> for details.`
  }</p>
  <div class="table-wrap"><table class="audit"><caption>Latest audit entries</caption>
  <thead><tr><th scope="col" class="num">#</th><th scope="col">When</th><th scope="col">Kind</th><th scope="col">Actor</th><th scope="col">What</th></tr></thead>
  <tbody>${v.audit.entries.map((e) => html`<tr${v.audit.chain.brokenAt === e.seq ? html` class="broken"` : ''}><td class="num">${e.seq}</td><td class="when">${timeHtml(e.at)}</td><td>${e.kind}</td><td class="id">${e.actor}</td><td class="what">${e.summary}</td></tr>`)}</tbody></table></div>
</section>
<section aria-labelledby="health-h">
  <h2 id="health-h">Queue and workers</h2>
  <ul class="stats"><li><strong>${q.queued}</strong> queued</li><li><strong>${q.running}</strong> running</li><li><strong>${q.scored}</strong> scored</li><li><strong>${q.failed}</strong> failed</li></ul>
  ${
    v.health.workers.length === 0
      ? html`<p class="error">No worker has reported in: queued submissions will wait. Start one with <code>dataperf worker</code>.</p>`
      : html`<div class="table-wrap"><table><caption>Workers</caption>
  <thead><tr><th scope="col">Worker</th><th scope="col">Host</th><th scope="col">Last seen</th><th scope="col" class="num">Jobs done</th></tr></thead>
  <tbody>${v.health.workers.map((w) => html`<tr><td>${w.id}</td><td>${w.host}</td><td>${timeHtml(w.lastSeen, { relative: true })}</td><td class="num">${w.jobsDone}</td></tr>`)}</tbody></table></div>`
  }
</section>`,
  )
}
