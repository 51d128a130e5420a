/**
 * A browser's HTTP side without the browser: keeps cookies, follows no redirects (the tests read
 * the Location), fills a form's hidden `_csrf` field from the page it came from, and sends forms
 * url-encoded or multipart as a browser would. For the tests of what the server answers; what a
 * page does in the browser is tested in Chromium (helpers/browser.ts).
 */
export interface WebAnswer {
  status: number
  headers: Headers
  text: string
  location: string | null
}

export class WebClient {
  readonly cookies = new Map<string, string>()

  constructor(
    readonly url: string,
    /** sent with every request (e.g. X-Forwarded-For) */
    readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async request(
    method: string,
    path: string,
    options: { body?: string | FormData; headers?: Record<string, string> } = {},
  ): Promise<WebAnswer> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers }
    if (this.cookies.size > 0) headers['cookie'] = this.cookieHeader()
    const res = await fetch(this.url + path, { method, headers, body: options.body, redirect: 'manual' })
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()),
      )
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') }
  }

  get(path: string): Promise<WebAnswer> {
    return this.request('GET', path)
  }

  /** The `_csrf` value of the first form on the page at `path`. */
  async csrfFrom(path: string): Promise<string> {
    const page = await this.get(path)
    const m = /name="_csrf" value="([^"]*)"/.exec(page.text)
    if (!m) throw new Error(`no _csrf field on ${path} (${page.status})`)
    return m[1]!
  }

  /** Posts url-encoded fields, as a plain form does. */
  postForm(path: string, fields: Record<string, string>): Promise<WebAnswer> {
    return this.request('POST', path, {
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  }

  /** Signs up through the form (with the page's CSRF token); throws unless it is accepted. */
  async signUp(email: string, name: string, password: string): Promise<void> {
    const csrf = await this.csrfFrom('/signup')
    const r = await this.postForm('/signup', { _csrf: csrf, email, name, password })
    if (r.status !== 303) throw new Error(`sign-up of ${email}: ${r.status} ${r.text.slice(0, 300)}`)
  }

  async logIn(email: string, password: string, next = ''): Promise<WebAnswer> {
    const csrf = await this.csrfFrom('/login')
    return this.postForm(`/login${next ? `?next=${encodeURIComponent(next)}` : ''}`, {
      _csrf: csrf,
      email,
      password,
    })
  }
}

/** The text of a page without its markup, for matching sentences. */
export function pageText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}
