// One submission: its status (updated live by the client script from the server-sent events, and by
// a <noscript> refresh without JavaScript), the failure reason, the figures behind the score, the
// rank it earned, and the signed manifest with how to verify it offline.
import { html, userText, type SafeHtml } from '../html.js'
import { layout } from '../layout.js'
import { boardTitle, formatScore, scoreHtml, timeHtml } from '../format.js'
import { statusBadge } from '../components.js'
import { barChart } from '../chart.js'
import type { PageContext, SubmissionPageView } from '../view-models.js'

function statusBlock(v: SubmissionPageView): SafeHtml {
  const pending = v.status === 'queued' || v.status === 'running'
  return html`<div class="card status" data-status="${v.status}">
  <p class="status-line"><span class="visually-hidden">Status: </span>${statusBadge(v.status)}
    <span data-stage>${v.status === 'running' && v.stage ? v.stage : v.status === 'queued' ? 'waiting for a worker' : ''}</span></p>
  ${pending ? html`<progress data-progress${v.progress ? html` max="${v.progress.total}" value="${v.progress.done}"` : ''} aria-label="Evaluation progress"></progress>` : ''}
  ${v.status === 'failed' ? html`<p class="error" role="alert"><strong>The evaluation failed:</strong> ${v.error ?? 'no reason was recorded'}. This submission was not ranked.</p>` : ''}
  ${v.status === 'scored' && v.scoreHidden ? html`<p>The score is hidden until the organizers publish the board ${v.board.id}.</p>` : ''}
  ${v.status === 'scored' && v.score !== undefined ? html`<p class="big-score">Score <strong>${scoreHtml(v.score)}</strong>${v.rank !== undefined ? html` · rank <strong>${v.rank}</strong> on <a href="/boards/${v.board.id}">${v.board.id}</a>` : ''}</p>` : ''}
</div>`
}

function detailsBlock(v: SubmissionPageView): SafeHtml {
  const d = v.details
  if (!d || v.status !== 'scored') return html``
  if (d.kind === 'vision') {
    const tasks = Object.keys(d.tasks)
    return html`<section aria-labelledby="det-h"><h2 id="det-h">Per-task metrics</h2>
<div class="table-wrap"><table><caption>Metrics per task (the score is the mean F1)</caption>
<thead><tr><th scope="col">Task</th><th scope="col" class="num">Accuracy</th><th scope="col" class="num">Precision</th><th scope="col" class="num">Recall</th><th scope="col" class="num">F1</th></tr></thead>
<tbody>${tasks.map((t) => {
      const m = d.tasks[t]!
      return html`<tr><th scope="row">${t}</th><td class="num">${scoreHtml(m.accuracy)}</td><td class="num">${scoreHtml(m.precision)}</td><td class="num">${scoreHtml(m.recall)}</td><td class="num">${scoreHtml(m.f1)}</td></tr>`
    })}</tbody></table></div></section>`
  }
  const mean = d.perSeedF1.length > 0 ? d.perSeedF1.reduce((s, x) => s + x, 0) / d.perSeedF1.length : undefined
  return html`<section aria-labelledby="det-h"><h2 id="det-h">Macro F1 per evaluation seed</h2>
${barChart(
  d.seeds.map((s, i) => ({ label: String(s), value: d.perSeedF1[i] ?? 0 })),
  { title: 'Macro F1 per evaluation seed', mean: v.score ?? mean },
)}
<details><summary>The figures</summary><div class="table-wrap"><table><caption>Macro F1 per seed</caption>
<thead><tr><th scope="col">Seed</th><th scope="col" class="num">Macro F1</th></tr></thead>
<tbody>${d.seeds.map((s, i) => html`<tr><th scope="row">${s}</th><td class="num">${scoreHtml(d.perSeedF1[i] ?? NaN)}</td></tr>`)}
<tr class="total"><th scope="row">mean</th><td class="num">${v.score !== undefined ? scoreHtml(v.score) : mean !== undefined ? formatScore(mean) : ''}</td></tr></tbody></table></div></details></section>`
}

function manifestBlock(v: SubmissionPageView): SafeHtml {
  if (v.status !== 'scored' || !v.manifestUrl) return html``
  return html`<section aria-labelledby="man-h"><h2 id="man-h">Signed result</h2>
<p>The server signs every score with its ed25519 key: the manifest records the SHA-256 of your file and of the challenge's data files, the evaluator version, the seeds and the scores.</p>
<p><a class="button" href="${v.manifestUrl}" download="manifest-${v.id}.json">Download the manifest</a> <a href="${v.publicKeyUrl}" download="server-public-key.pem">Server public key</a></p>
<p>Check it offline:</p>
<pre><code>npx dataperf verify-result manifest-${v.id}.json --public-key server-public-key.pem</code></pre></section>`
}

export function submissionPage(ctx: PageContext, v: SubmissionPageView): SafeHtml {
  const pending = v.status === 'queued' || v.status === 'running'
  return layout(
    ctx,
    {
      title: `Submission ${v.method}`,
      head: pending ? html`<noscript><meta http-equiv="refresh" content="5"></noscript>` : '',
    },
    html`
<h1>Submission: ${userText(v.method)}</h1>
<div data-live-region="submission" data-live-url="${v.eventsUrl}" data-live-status="${v.status}">
${statusBlock(v)}
<dl class="facts">
  <dt>Board</dt><dd><a href="/boards/${v.board.id}">${v.board.id}</a> · ${boardTitle(v.board)}</dd>
  <dt>Team</dt><dd>${userText(v.team)}${v.baseline ? html` <span class="badge baseline-tag">baseline</span>` : ''}</dd>
  <dt>Submitted</dt><dd>${timeHtml(v.submittedAt)}</dd>
  ${v.scoredAt ? html`<dt>Scored</dt><dd>${timeHtml(v.scoredAt)}</dd>` : ''}
  ${v.description ? html`<dt>Description</dt><dd class="prose" dir="auto">${v.description}</dd>` : ''}
  ${v.link ? html`<dt>Code or paper</dt><dd><a href="${safeHref(v.link)}" rel="nofollow noopener">${v.link}</a></dd>` : ''}
  ${v.sha256 ? html`<dt>File SHA-256</dt><dd><code class="hash">${v.sha256}</code></dd>` : ''}
</dl>
${detailsBlock(v)}
${manifestBlock(v)}
</div>`,
  )
}

/** Only http(s) links become clickable; anything else (javascript:, data:) is shown as text only. */
export function safeHref(link: string): string {
  return /^https?:\/\//i.test(link) ? link : '#'
}
