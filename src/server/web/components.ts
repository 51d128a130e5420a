// Pieces several pages share: form fields with their labels and errors, the leaderboard table,
// status badges, quota lines.
import { html, userText, type HtmlValue, type SafeHtml } from './html.js'
import { boardTitle, formatScore, scoreHtml, timeHtml } from './format.js'
import type {
  BoardView,
  LeaderboardRowView,
  PagerView,
  QuotaView,
  SubmissionRowView,
  SubmissionStatus,
} from './view-models.js'

export interface FieldOptions {
  name: string
  label: string
  type?: 'text' | 'email' | 'password' | 'url' | 'datetime-local' | 'number'
  value?: string
  error?: string
  hint?: HtmlValue
  required?: boolean
  autocomplete?: string
  id?: string
  min?: number
  maxlength?: number
}

/** A labelled input; its hint and error are tied to it by aria-describedby. */
export function inputField(o: FieldOptions): SafeHtml {
  const id = o.id ?? `f-${o.name}`
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ')
  return html`<div class="field${o.error ? ' invalid' : ''}">
  <label for="${id}">${o.label}${o.required ? '' : html` <span class="muted">(optional)</span>`}</label>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
  <input id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.required ? html` required` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.min !== undefined ? html` min="${o.min}"` : ''}${o.maxlength !== undefined ? html` maxlength="${o.maxlength}"` : ''}${described ? html` aria-describedby="${described}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>
  ${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
</div>`
}

export function textareaField(o: FieldOptions & { rows?: number }): SafeHtml {
  const id = o.id ?? `f-${o.name}`
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ')
  return html`<div class="field${o.error ? ' invalid' : ''}">
  <label for="${id}">${o.label}${o.required ? '' : html` <span class="muted">(optional)</span>`}</label>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
  <textarea id="${id}" name="${o.name}" rows="${o.rows ?? 3}"${o.maxlength !== undefined ? html` maxlength="${o.maxlength}"` : ''}${described ? html` aria-describedby="${described}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>${o.value ?? ''}</textarea>
  ${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
</div>`
}

const STATUS_TEXT: Record<SubmissionStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  scored: 'Scored',
  failed: 'Failed',
}

export function statusBadge(status: SubmissionStatus): SafeHtml {
  return html`<span class="badge status-${status}">${STATUS_TEXT[status]}</span>`
}

export function quotaText(q: QuotaView): SafeHtml {
  return html`<strong>${q.remaining}</strong> of ${q.limit} submissions left today; resets ${timeHtml(q.resetsAt, { relative: true })}`
}

/** A header cell whose column the client script can sort (server order is by rank). */
function sortableTh(
  label: HtmlValue,
  kind: 'number' | 'text',
  opts: { sorted?: boolean | 'descending'; className?: string } = {},
): SafeHtml {
  const sort = opts.sorted === 'descending' ? 'descending' : opts.sorted ? 'ascending' : undefined
  return html`<th scope="col" data-sort="${kind}"${opts.className ? html` class="${opts.className}"` : ''}${sort ? html` aria-sort="${sort}"` : ''}>${label}</th>`
}

/** A board row's id (its place: #pos-N, what "jump to my rank" links to) and classes. */
function rowAttributes(r: LeaderboardRowView): SafeHtml {
  const classes = [r.baseline ? 'baseline' : '', r.mine ? 'mine' : ''].filter(Boolean).join(' ')
  return html`${r.position !== undefined ? html` id="pos-${r.position}"` : ''}${classes ? html` class="${classes}"` : ''}${r.mine ? html` aria-label="your team, rank ${r.rank ?? '–'}"` : ''}`
}

/** The leaderboard table: rank, team, method, score (and a column per vision task), submissions, last.
 *  Compact (the home page's top of each board): rank, team, score only. */
export function leaderboardTable(
  board: BoardView,
  rows: readonly LeaderboardRowView[],
  opts: { compact?: boolean; caption: string },
): SafeHtml {
  const tasks = board.track === 'vision' && !opts.compact ? (board.tasks ?? []) : []
  const scoreLabel = board.track === 'vision' ? 'Mean F1' : 'Macro F1'
  const full = !opts.compact
  if (rows.length === 0) {
    return html`<p class="empty">No scored submissions on this board yet.</p>`
  }
  const th = (label: HtmlValue, kind: 'number' | 'text', o: { sorted?: boolean; className?: string } = {}) =>
    full
      ? sortableTh(label, kind, o)
      : html`<th scope="col"${o.className ? html` class="${o.className}"` : ''}>${label}</th>`
  return html`<div class="table-wrap"><table class="board"${full ? html` data-sortable` : ''}>
<caption>${opts.caption}</caption>
<thead><tr>
  ${th('Rank', 'number', { sorted: true, className: 'num' })}
  ${th('Team', 'text')}
  ${full ? th('Method', 'text') : ''}
  ${th(scoreLabel, 'number', { className: 'num' })}
  ${tasks.map((t) => th(html`${t} <abbr title="F1 score">F1</abbr>`, 'number', { className: 'num' }))}
  ${full ? html`${th('Submissions', 'number', { className: 'num wide' })}${th('Last submission', 'number', { className: 'wide' })}` : ''}
</tr></thead>
<tbody>
${rows.map(
  (r, i) => html`<tr${rowAttributes(r)}>
  <td class="num" data-value="${r.rank ?? i + 0.5}">${r.rank ?? html`<span aria-label="no rank (baseline)">–</span>`}</td>
  <td data-value="${r.team}">${userText(r.team)}${r.baseline ? html` <span class="badge baseline-tag">baseline</span>` : ''}</td>
  ${full ? html`<td data-value="${r.method}">${r.submissionId ? html`<a href="/submissions/${r.submissionId}">${userText(r.method)}</a>` : userText(r.method)}</td>` : ''}
  <td class="num score" data-value="${String(r.score)}">${scoreHtml(r.score)}</td>
  ${tasks.map((t) => {
    const v = r.taskF1?.[t]
    return v === undefined
      ? html`<td class="num" data-value="-1">–</td>`
      : html`<td class="num" data-value="${String(v)}">${scoreHtml(v)}</td>`
  })}
  ${full ? html`<td class="num wide" data-value="${r.submissions}">${r.submissions}</td><td class="wide" data-value="${r.lastSubmission.getTime()}">${timeHtml(r.lastSubmission)}</td>` : ''}
</tr>`,
)}
</tbody>
</table></div>`
}

/** A list of submissions (a team's own, or all of them for organizers). */
export function submissionsTable(
  rows: readonly SubmissionRowView[],
  opts: { caption: string; showTeam?: boolean; actions?: (row: SubmissionRowView) => HtmlValue },
): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">No submissions yet.</p>`
  return html`<div class="table-wrap"><table data-sortable>
<caption>${opts.caption}</caption>
<thead><tr>
  ${sortableTh('Method', 'text')}
  ${sortableTh('Status', 'text')}
  ${sortableTh('Score', 'number', { className: 'num' })}
  ${sortableTh('Board', 'text')}
  ${opts.showTeam ? sortableTh('Team', 'text') : ''}
  ${sortableTh('Submitted', 'number', { sorted: 'descending' })}
  ${opts.actions ? html`<th scope="col">Actions</th>` : ''}
</tr></thead>
<tbody>
${rows.map(
  (r) => html`<tr${r.baseline ? html` class="baseline"` : ''}>
  <td data-value="${r.method}"><a href="/submissions/${r.id}">${userText(r.method)}</a>${r.baseline ? html` <span class="badge baseline-tag">baseline</span>` : ''}</td>
  <td data-value="${r.status}">${statusBadge(r.status)}</td>
  <td class="num" data-value="${r.score === undefined ? '-1' : String(r.score)}">${r.score === undefined ? '–' : html`<span title="${String(r.score)}">${formatScore(r.score)}</span>`}</td>
  <td data-value="${r.board}">${r.board}</td>
  ${opts.showTeam ? html`<td data-value="${r.team ?? ''}">${userText(r.team ?? '')}</td>` : ''}
  <td data-value="${r.submittedAt.getTime()}">${timeHtml(r.submittedAt)}</td>
  ${opts.actions ? html`<td>${opts.actions(r)}</td>` : ''}
</tr>`,
)}
</tbody>
</table></div>`
}

/** <option>s for a board picker. */
export function boardOptions(boards: readonly BoardView[], selected: string | undefined): SafeHtml {
  return html`${boards.map((b) => html`<option value="${b.id}"${b.id === selected ? html` selected` : ''}>${b.id} — ${boardTitle(b)}</option>`)}`
}

/**
 * Links to the pages of a long list: first, previous, a few around the current one, next, last,
 * and which rows these are ("Rows 101–150 of 1,003").
 */
export function pagerNav(p: PagerView, href: (page: number) => string, label: string): SafeHtml {
  if (p.total === 0) return html``
  const shown = html`<p class="pager-count" role="status">Rows ${p.from.toLocaleString('en-US')}–${p.to.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}</p>`
  if (p.pages <= 1) return shown
  const pages = [...new Set([1, p.page - 2, p.page - 1, p.page, p.page + 1, p.page + 2, p.pages])]
    .filter((n) => n >= 1 && n <= p.pages)
    .sort((a, b) => a - b)
  const items: SafeHtml[] = []
  pages.forEach((n, i) => {
    if (i > 0 && n - pages[i - 1]! > 1) items.push(html`<li class="gap" aria-hidden="true">…</li>`)
    items.push(
      n === p.page
        ? html`<li><a href="${href(n)}" aria-current="page">${n}</a></li>`
        : html`<li><a href="${href(n)}">${n}</a></li>`,
    )
  })
  return html`<nav class="pager" aria-label="${label}">${shown}<ul>
  ${p.page > 1 ? html`<li><a href="${href(p.page - 1)}" rel="prev">‹ Previous</a></li>` : ''}
  ${items}
  ${p.page < p.pages ? html`<li><a href="${href(p.page + 1)}" rel="next">Next ›</a></li>` : ''}
</ul></nav>`
}
