// Sign up and log in. Messages say what to do: a wrong password, an unknown e-mail (told apart
// only as "e-mail or password"), a rate limit with when to retry.
import { html, type SafeHtml } from '../html.js'
import { csrfField, layout } from '../layout.js'
import { inputField } from '../components.js'
import type { AccountView, PageContext } from '../view-models.js'

export function accountPage(ctx: PageContext, v: AccountView): SafeHtml {
  const signup = v.mode === 'signup'
  const next = v.next ? `?next=${encodeURIComponent(v.next)}` : ''
  return layout(
    ctx,
    { title: signup ? 'Sign up' : 'Log in' },
    html`
<div class="narrow">
<h1>${signup ? 'Create an account' : 'Log in'}</h1>
${v.errors.form ? html`<p class="flash error" role="alert">${v.errors.form}</p>` : ''}
<form method="post" action="/${signup ? 'signup' : 'login'}${next}" class="card stack" novalidate>
  ${csrfField(ctx)}
  ${signup ? inputField({ name: 'name', label: 'Your name', value: v.values.name, error: v.errors.name, required: true, autocomplete: 'name', maxlength: 80 }) : ''}
  ${inputField({ name: 'email', label: 'E-mail', type: 'email', value: v.values.email, error: v.errors.email, required: true, autocomplete: 'email' })}
  ${inputField({ name: 'password', label: 'Password', type: 'password', error: v.errors.password, required: true, autocomplete: signup ? 'new-password' : 'current-password', hint: signup ? 'At least 8 characters.' : undefined })}
  ${signup ? inputField({ name: 'invite_code', label: 'Invitation code', value: v.values.inviteCode, error: v.errors.inviteCode, required: v.inviteRequired, autocomplete: 'off', hint: v.inviteRequired ? 'This server admits people with an invitation code from the organizers.' : undefined }) : ''}
  <p><button type="submit">${signup ? 'Sign up' : 'Log in'}</button></p>
</form>
<p>${signup ? html`Already have an account? <a href="/login">Log in</a>.` : html`No account yet? <a href="/signup">Sign up</a>.`}</p>
</div>`,
  )
}
