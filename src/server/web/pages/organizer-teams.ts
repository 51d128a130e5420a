// Organizers' view of the teams: every team, and one team's history (who made, joined and left
// it, and where those people went), with the form that lets a person change team once more.
import { html, userText, type SafeHtml } from '../html.js'
import { csrfField, layout } from '../layout.js'
import { timeHtml } from '../format.js'
import type { DuplicateView, PageContext, TeamHistoryView, TeamsAdminView } from '../view-models.js'

export function teamsAdminPage(ctx: PageContext, v: TeamsAdminView): SafeHtml {
  return layout(
    ctx,
    { title: 'Teams' },
    html`
<h1>Teams</h1>
<p><a href="/organizer">Organizer</a> · ${v.teams.length} teams. A person creates or joins one team per phase; a team's page shows its history and lets you allow another change.</p>
<div class="table-wrap"><table data-sortable><caption>Every team</caption>
<thead><tr><th scope="col" data-sort="text">Team</th><th scope="col" class="num" data-sort="number">Members</th><th scope="col" class="num" data-sort="number">Left</th><th scope="col" data-sort="text">Created</th></tr></thead>
<tbody>${v.teams.map((t) => html`<tr><th scope="row"><a href="/organizer/teams/${encodeURIComponent(t.id)}">${userText(t.name)}</a></th><td class="num">${t.members}</td><td class="num">${t.left}</td><td data-value="${t.createdAt.toISOString()}">${timeHtml(t.createdAt)}</td></tr>`)}</tbody>
</table></div>`,
  )
}

const EVENT_TEXT: Record<TeamHistoryView['events'][number]['kind'], string> = {
  created: 'created',
  joined: 'joined',
  left: 'left',
  change_allowed: 'may change team once more (allowed by an organizer)',
}

export function teamHistoryPage(ctx: PageContext, v: TeamHistoryView): SafeHtml {
  return layout(
    ctx,
    { title: `Team ${v.team.name}` },
    html`
<h1>Team ${userText(v.team.name)}</h1>
<p><a href="/organizer/teams">All teams</a> · created ${timeHtml(v.team.createdAt)}</p>
<section aria-labelledby="members-h"><h2 id="members-h">Members now</h2>
${v.members.length === 0 ? html`<p>Nobody: everyone left.</p>` : html`<ul>${v.members.map((m) => html`<li>${userText(m.name)} <span class="muted">${m.email}</span></li>`)}</ul>`}
</section>
<section aria-labelledby="history-h"><h2 id="history-h">History</h2>
<p class="muted">This team's events, and every team change of the people who were ever in it.</p>
<div class="table-wrap"><table class="team-history"><caption>Team events, oldest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Person</th><th scope="col">Event</th><th scope="col">Team</th><th scope="col">Phase</th></tr></thead>
<tbody>${v.events.map((e) => html`<tr><td>${timeHtml(e.at)}</td><td>${userText(e.user.name)} <span class="muted">${e.user.email}</span></td><td>${EVENT_TEXT[e.kind]}${e.kind === 'change_allowed' ? html` <span class="muted">(${userText(e.by)})</span>` : ''}</td><td>${e.team ? html`<a href="/organizer/teams/${encodeURIComponent(e.team.id)}">${userText(e.team.name)}</a>` : ''}</td><td>${e.phase || html`<span class="muted">between phases</span>`}</td></tr>`)}</tbody>
</table></div>
</section>
<section aria-labelledby="allow-h"><h2 id="allow-h">Allow a team change</h2>
<p>A person creates or joins one team per phase. Allowing one more change lets them create or join another team in the current phase (their daily quota still counts across teams).</p>
<ul class="plain">${v.people.map((p) => html`<li><form method="post" action="/organizer/users/${encodeURIComponent(p.id)}/team-change" class="inline">${csrfField(ctx)}<input type="hidden" name="back" value="${v.team.id}"><button type="submit" class="small secondary">Allow ${userText(p.name)} one more change</button></form></li>`)}</ul>
</section>`,
  )
}

/** Files submitted by more than one team: the same score twice on a board, for organizers to judge. */
export function duplicatesPage(ctx: PageContext, files: DuplicateView[]): SafeHtml {
  return layout(
    ctx,
    { title: 'Same file from several teams' },
    html`
<h1>Same file from several teams</h1>
<p><a href="/organizer">Organizer</a> · A file submitted by more than one team is scored the same for each: look at who submitted it first.</p>
${
  files.length === 0
    ? html`<p class="empty">No file was submitted by more than one team.</p>`
    : files.map(
        (f) => html`<section class="card"><h2>${f.board} · <code class="hash">${f.sha256}</code></h2>
<div class="table-wrap"><table><caption>Submissions of this file on ${f.board}, earliest first</caption>
<thead><tr><th scope="col">Team</th><th scope="col">Method</th><th scope="col">Status</th><th scope="col">Submitted</th></tr></thead>
<tbody>${f.submissions.map((s) => html`<tr><th scope="row">${userText(s.team)}</th><td><a href="/submissions/${s.id}">${userText(s.method)}</a></td><td>${s.status}</td><td>${timeHtml(s.submittedAt)}</td></tr>`)}</tbody></table></div></section>`,
      )
}`,
  )
}
