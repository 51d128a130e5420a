// The page for anything that went wrong: a title and a sentence a person can act on, never a stack
// trace or the API's JSON.
import { html, type SafeHtml } from '../html.js'
import { layout } from '../layout.js'
import type { ErrorView, PageContext } from '../view-models.js'

export function errorPage(ctx: PageContext, v: ErrorView): SafeHtml {
  return layout(
    ctx,
    { title: v.title },
    html`
<div class="narrow">
<h1>${v.title}</h1>
<p class="lead">${v.message}</p>
<p class="muted">Error ${v.status}.</p>
<p><a href="/">Back to the challenge</a>${ctx.user ? '' : html` · <a href="/login">Log in</a>`}</p>
</div>`,
  )
}
