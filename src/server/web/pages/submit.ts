// Submit: board, file (drop or pick), method and description; the remaining quota and its reset time
// are shown before submitting; an invalid file comes back with the CLI's one-line message next to
// the file field (and is not charged).
import { html, type SafeHtml } from '../html.js'
import { csrfField, layout } from '../layout.js'
import { formatLimit } from '../../http/upload.js'
import { boardTitle, expectedFiles } from '../format.js'
import { boardOptions, inputField, quotaText, textareaField } from '../components.js'
import type { PageContext, SubmitView } from '../view-models.js'

export function submitPage(ctx: PageContext, view: SubmitView): SafeHtml {
  const selected = view.boards.find((b) => b.id === view.selectedBoard) ?? view.boards[0]
  const fileError = view.errors.file
  const fileDescribed = 'f-file-hint f-file-error'
  return layout(
    ctx,
    { title: 'Submit' },
    html`
<h1>Submit a training set</h1>
${
  view.closedReason || !selected
    ? html`<p class="notice" role="note">${view.closedReason ?? 'There is no board to submit to.'}</p>`
    : html`<form method="post" action="/submit" enctype="multipart/form-data" class="stack" data-submit-form data-max-bytes="${view.maxUploadBytes}" novalidate>
  ${csrfField(ctx)}
  <div class="field${view.errors.board ? ' invalid' : ''}">
    <label for="f-board">Board</label>
    <select id="f-board" name="board" data-board-select${view.errors.board ? html` aria-invalid="true" aria-describedby="f-board-error"` : ''}>${boardOptions(view.boards, selected.id)}</select>
    ${view.errors.board ? html`<p class="error" id="f-board-error">${view.errors.board}</p>` : ''}
  </div>
  <div class="quota" aria-live="polite">
    <p class="muted">Remaining quota (only valid files are counted):</p>
    <ul>${view.boards.map((b) => {
      const q = view.quotas[b.id]
      return html`<li data-quota-board="${b.id}"><span class="q-board">${b.id}:</span> ${q ? quotaText(q) : 'no quota in the current phase'}</li>`
    })}</ul>
  </div>
  <div class="field${fileError ? ' invalid' : ''}">
    <label for="f-file">Training-set file(s)</label>
    <p class="hint" id="f-file-hint">${view.boards.map((b) => html`<span data-files-board="${b.id}">${b.id}: <code>${expectedFiles(b)}</code>. </span>`)}At most ${formatLimit(view.maxUploadBytes)}. The file is checked on upload with the same validator as <code>dataperf … eval</code>.</p>
    <div class="dropzone" data-dropzone>
      <input id="f-file" name="file" type="file" multiple accept=".json,.csv,application/json,text/csv" required aria-describedby="${fileDescribed}"${fileError ? html` aria-invalid="true"` : ''}>
      <p class="drop-text" aria-hidden="true">or drop the file here</p>
      <p class="chosen" data-chosen aria-live="polite"></p>
    </div>
    <p class="error" id="f-file-error" role="alert"${fileError ? '' : html` hidden`}>${fileError ?? ''}</p>
  </div>
  ${inputField({ name: 'method', label: 'Method name', value: view.values.method, error: view.errors.method, required: true, maxlength: view.textLimits.method, hint: 'Shown on the leaderboard, e.g. "cleanlab + k-medoids".' })}
  ${textareaField({ name: 'description', label: 'Description', value: view.values.description, error: view.errors.description, maxlength: view.textLimits.description })}
  ${inputField({ name: 'link', label: 'Code or paper link', type: 'url', value: view.values.link, error: view.errors.link, maxlength: view.textLimits.link })}
  <p><button type="submit">Submit to <span data-board-name>${selected.id}</span></button></p>
</form>`
}
<section aria-labelledby="cli-h">
  <h2 id="cli-h">From the command line</h2>
  <p>Create an API token on your <a href="/team">team page</a>, then:</p>
  <pre><code>npx dataperf submit --server URL --token TOKEN --board ${selected?.id ?? 'BOARD'} FILE</code></pre>
  ${selected ? html`<p class="muted">${boardTitle(selected)} takes <code>${expectedFiles(selected)}</code>.</p>` : ''}
</section>`,
  )
}
