// Challenge home: what the challenge is, its boards, the current phase and its deadline, how to get
// the data, and the top of each board.
import { html, type SafeHtml } from '../html.js'
import { layout } from '../layout.js'
import { boardTitle, timeHtml } from '../format.js'
import { leaderboardTable } from '../components.js'
import type { BoardView, HomeView, PageContext, PhaseView } from '../view-models.js'

/** The commands that fetch and check the data each track needs (the participant side of the CLI). */
export function dataCommands(boards: readonly BoardView[]): { title: string; commands: string[] }[] {
  const out: { title: string; commands: string[] }[] = []
  const languages = [
    ...new Set(
      boards
        .filter((b) => b.track === 'speech')
        .map((b) => b.language)
        .filter((l): l is string => !!l),
    ),
  ]
  if (languages.length > 0) {
    out.push({
      title: 'Speech',
      commands: [
        `npx dataperf download speech --languages ${languages.join(',')} --output_path workspace/data`,
        'npx dataperf doctor workspace/data',
      ],
    })
  }
  if (boards.some((b) => b.track === 'vision')) {
    out.push({
      title: 'Vision',
      commands: [
        'npx dataperf download vision --zip FILE --output_path data   # the zip the organizers shared',
        'npx dataperf doctor data',
      ],
    })
  }
  return out
}

function phaseLine(p: PhaseView): SafeHtml {
  return html`${p.dailyLimit} submissions per team per board per UTC day; leaderboard ${p.leaderboard === 'public' ? 'public' : 'hidden until the organizers publish it'}; a team's ${p.rule === 'best' ? 'best' : 'latest'} submission counts.`
}

function phaseSection(view: HomeView): SafeHtml {
  const cur = view.currentPhase
  return html`<section aria-labelledby="phase-h" class="card phase">
  <h2 id="phase-h">${cur ? html`Current phase: ${cur.name}` : 'No phase is open'}</h2>
  ${
    cur
      ? html`<p class="deadline">Submissions close ${timeHtml(cur.end, { relative: true })}.</p><p>${phaseLine(cur)}</p>`
      : view.nextPhase
        ? html`<p class="deadline">The next phase, ${view.nextPhase.name}, opens ${timeHtml(view.nextPhase.start, { relative: true })}.</p>`
        : html`<p>Submissions are closed.</p>`
  }
  ${view.phases.length > 1 ? html`<details><summary>All phases</summary><ul>${view.phases.map((p) => html`<li><strong>${p.name}</strong>: ${timeHtml(p.start)} to ${timeHtml(p.end)}. ${phaseLine(p)}</li>`)}</ul></details>` : ''}
</section>`
}

export function homePage(ctx: PageContext, view: HomeView): SafeHtml {
  const paragraphs = view.description
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
  return layout(
    ctx,
    { title: 'Challenge' },
    html`
<h1>${view.name}</h1>
<div class="intro">${paragraphs.map((p) => html`<p>${p}</p>`)}</div>
${phaseSection(view)}
<section aria-labelledby="boards-h">
  <h2 id="boards-h">Boards</h2>
  <div class="tops">
  ${view.tops.map(
    (t) => html`<article class="card top" aria-labelledby="top-${t.board.id}">
    <h3 id="top-${t.board.id}"><a href="/boards/${t.board.id}">${boardTitle(t.board)}</a> <span class="muted nowrap">${t.board.id}</span></h3>
    ${t.withheld ? html`<p class="muted">This board is hidden until the organizers publish it.</p>` : leaderboardTable(t.board, t.rows, { compact: true, caption: `Top of ${t.board.id}` })}
    <p><a href="/boards/${t.board.id}">Full leaderboard<span class="visually-hidden"> for ${t.board.id}</span></a></p>
  </article>`,
  )}
  </div>
</section>
<section aria-labelledby="data-h">
  <h2 id="data-h">Get the data and take part</h2>
  <ol class="steps">
    <li>Download the training pool and check it:
      ${dataCommands(view.boards).map((d) => html`<p class="muted">${d.title}</p><pre><code>${d.commands.join('\n')}</code></pre>`)}
    </li>
    <li>Choose a training set with <code>dataperf speech select</code> or <code>dataperf vision select</code>, and score it locally with <code>dataperf speech eval</code> / <code>dataperf vision eval</code>: the server computes the same numbers.</li>
    <li>${ctx.user ? html`Create or join a team on your <a href="/team">team page</a>` : html`<a href="/signup">Sign up</a>, create or join a team`}, then <a href="/submit">submit</a> here or from the command line with an API token:
      <pre><code>npx dataperf submit --server ${view.serverUrl} --token TOKEN --board ${view.boards[0]?.id ?? 'BOARD'} FILE</code></pre></li>
  </ol>
</section>`,
  )
}
