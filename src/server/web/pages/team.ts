// Team: members and invitations, the visitor's API tokens (a new token is shown once), the team's
// submissions and remaining quota. Without a team: create one or join with an invitation code.
import { html, userText, type SafeHtml } from '../html.js'
import { csrfField, layout } from '../layout.js'
import { timeHtml } from '../format.js'
import { inputField, quotaText, submissionsTable } from '../components.js'
import type { PageContext, TeamView } from '../view-models.js'

function noTeam(ctx: PageContext, v: TeamView): SafeHtml {
  return html`<p>You are not in a team yet. Submissions belong to teams: create one, or join one with the code a member gives you.</p>
<div class="two">
<form method="post" action="/team" class="card stack">
  <h2>Create a team</h2>
  ${csrfField(ctx)}
  ${inputField({ name: 'name', id: 'f-team-name', label: 'Team name', value: '', error: v.errors.teamName, required: true, maxlength: 80 })}
  <p><button type="submit">Create team</button></p>
</form>
<form method="post" action="/team/join" class="card stack">
  <h2>Join a team</h2>
  ${csrfField(ctx)}
  ${inputField({ name: 'code', id: 'f-invite-code', label: 'Invitation code', value: '', error: v.errors.inviteCode, required: true, autocomplete: 'off' })}
  <p><button type="submit">Join team</button></p>
</form>
</div>`
}

function tokensSection(ctx: PageContext, v: TeamView): SafeHtml {
  return html`<section aria-labelledby="tok-h" class="card">
<h2 id="tok-h">API tokens</h2>
<p>For <code>dataperf submit</code> and the JSON API. A token acts as you; revoke one you no longer use.</p>
${
  v.newToken
    ? html`<div class="notice ok" role="status">
  <p>Token <strong>${v.newToken.name}</strong> created. Copy it now: it is shown only this once.</p>
  <p><label for="new-token">Token</label> <input id="new-token" class="secret" readonly value="${v.newToken.token}" data-select-on-focus> <button type="button" data-copy="#new-token">Copy</button></p>
  <pre><code>npx dataperf submit --server ${v.serverUrl} --token ${v.newToken.token} --board BOARD FILE</code></pre>
</div>`
    : ''
}
${
  v.tokens.length === 0
    ? html`<p class="empty">No tokens.</p>`
    : html`<div class="table-wrap"><table><caption>Your tokens</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Actions</th></tr></thead>
<tbody>${v.tokens.map(
        (
          t,
        ) => html`<tr><td>${t.name}</td><td>${timeHtml(t.createdAt)}</td><td>${t.lastUsedAt ? timeHtml(t.lastUsedAt) : 'never'}</td>
<td><form method="post" action="/team/tokens/${t.id}/revoke" class="inline">${csrfField(ctx)}<button type="submit" class="danger small">Revoke<span class="visually-hidden"> token ${t.name}</span></button></form></td></tr>`,
      )}</tbody></table></div>`
}
<form method="post" action="/team/tokens" class="row">
  ${csrfField(ctx)}
  ${inputField({ name: 'name', id: 'f-token-name', label: 'New token name', value: '', error: v.errors.tokenName, required: true, maxlength: 80, hint: 'e.g. "laptop" or "CI"' })}
  <p><button type="submit">Create token</button></p>
</form>
</section>`
}

export function teamPage(ctx: PageContext, v: TeamView): SafeHtml {
  const t = v.team
  return layout(
    ctx,
    { title: t ? `Team ${t.name}` : 'Team' },
    html`
<h1>${t ? html`Team ${userText(t.name)}` : 'Your team'}</h1>
${
  t
    ? html`<div class="two">
<section aria-labelledby="mem-h" class="card">
  <h2 id="mem-h">Members</h2>
  <ul>${t.members.map((m) => html`<li>${userText(m.name)} <span class="muted">${m.email}</span></li>`)}</ul>
  <form method="post" action="/team/leave" class="inline" data-confirm="Leave team ${t.name}?">${csrfField(ctx)}<button type="submit" class="link danger">Leave this team</button></form>
</section>
<section aria-labelledby="inv-h" class="card">
  <h2 id="inv-h">Invitations</h2>
  ${v.newInviteCode ? html`<div class="notice ok" role="status"><p>New invitation code: <code class="secret">${v.newInviteCode}</code>. Give it to the person joining; they enter it on their team page.</p></div>` : ''}
  ${
    v.invites.length > 0
      ? html`<ul class="invites">${v.invites.map(
          (
            i,
          ) => html`<li>Created by ${userText(i.createdBy)} ${timeHtml(i.createdAt)}, open until ${timeHtml(i.expiresAt)}
    <form method="post" action="/team/invites/${encodeURIComponent(i.id)}/revoke" class="inline" data-confirm="Withdraw this invitation? Its code will no longer join the team.">${csrfField(ctx)}<button type="submit" class="link danger" aria-label="Withdraw the invitation created ${i.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC">Withdraw</button></form></li>`,
        )}</ul>`
      : html`<p class="empty">No open invitations.</p>`
  }
  <form method="post" action="/team/invites">${csrfField(ctx)}<button type="submit">Create an invitation code</button></form>
</section>
</div>
<section aria-labelledby="quota-h" class="card">
  <h2 id="quota-h">Quota today</h2>
  ${v.quotas.length === 0 ? html`<p class="empty">No phase is open, so there is no quota.</p>` : html`<ul>${v.quotas.map((q) => html`<li><a href="/boards/${q.board.id}">${q.board.id}</a>: ${quotaText(q.quota)}</li>`)}</ul>`}
</section>
<section aria-labelledby="subs-h">
  <h2 id="subs-h">Submissions</h2>
  ${submissionsTable(v.submissions, { caption: `Submissions of ${t.name}` })}
</section>`
    : noTeam(ctx, v)
}
${tokensSection(ctx, v)}`,
  )
}
