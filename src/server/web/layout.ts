// The page shell: head, skip link, navigation, flash message, footer. Every page goes through it,
// so the stylesheet and the progressive script are the only assets, both served by this process.
import { VERSION } from '../../version.js'
import { html, userText, type HtmlValue, type SafeHtml } from './html.js'
import type { PageContext } from './view-models.js'

export const ASSET_PATHS = { css: '/assets/site.css', js: '/assets/app.js' } as const

interface NavItem {
  href: string
  label: string
  show: boolean
}

function navItems(ctx: PageContext): NavItem[] {
  return [
    { href: '/', label: 'Challenge', show: true },
    { href: '/leaderboards', label: 'Leaderboards', show: true },
    { href: '/submit', label: 'Submit', show: true },
    { href: '/team', label: 'Team', show: ctx.user !== undefined },
    { href: '/organizer', label: 'Organizer', show: ctx.user?.isOrganizer === true },
  ]
}

function isCurrent(itemHref: string, path: string): boolean {
  if (itemHref === '/') return path === '/'
  return (
    path === itemHref ||
    path.startsWith(itemHref + '/') ||
    (itemHref === '/leaderboards' && path.startsWith('/boards/'))
  )
}

/** The hidden field every state-changing form carries. */
export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`
}

function accountArea(ctx: PageContext): SafeHtml {
  if (!ctx.user) {
    return html`<a href="/login">Log in</a> <a class="button small" href="/signup">Sign up</a>`
  }
  return html`<span class="who">${userText(ctx.user.name)}${ctx.user.team ? html` <span class="muted">(${userText(ctx.user.team.name)})</span>` : ''}</span>
    <form method="post" action="/logout" class="inline">${csrfField(ctx)}<button type="submit" class="link">Log out</button></form>`
}

export interface LayoutOptions {
  title: string
  /** Extra elements for <head>, e.g. a <noscript> refresh on a page that waits for a score. */
  head?: HtmlValue
}

export function layout(ctx: PageContext, opts: LayoutOptions, body: HtmlValue): SafeHtml {
  const nav = navItems(ctx).filter((i) => i.show)
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${ctx.challengeName}</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}?v=${VERSION}">
<script type="module" src="${ASSET_PATHS.js}?v=${VERSION}"></script>
${opts.head}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <div class="bar">
    <a class="brand" href="/">${ctx.challengeName}</a>
    <nav aria-label="Main">
      <ul>
        ${nav.map((i) => html`<li><a href="${i.href}"${isCurrent(i.href, ctx.path) ? html` aria-current="page"` : ''}>${i.label}</a></li>`)}
      </ul>
    </nav>
    <div class="account">${accountArea(ctx)}</div>
  </div>
</header>
<main id="main" tabindex="-1">
${ctx.flash ? html`<p class="flash ${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</p>` : ''}
${body}
</main>
<footer class="site">
  <p>dataperf ${VERSION} · <a href="/api/v1/openapi.json">API (OpenAPI)</a> · <a href="/api/v1/public-key">Server public key</a></p>
</footer>
</body>
</html>
`
}
