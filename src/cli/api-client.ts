/**
 * A small client of the server's /api/v1 for `dataperf submit` and `dataperf leaderboard`:
 * JSON calls with a bearer token, a multipart upload that reports bytes sent, and the
 * submission's server-sent events. Server errors become one-line UserErrors with the server's message.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { randomBytes } from 'node:crypto'
import { UserError } from '../errors.js'
import type { ApiError } from '../server/index.js'

export class ApiClient {
  readonly base: URL

  constructor(
    server: string,
    private readonly token?: string,
  ) {
    let url: URL
    try {
      url = new URL(server)
    } catch {
      throw new UserError(`--server: '${server}' is not a URL (e.g. http://127.0.0.1:8080)`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UserError(`--server: expected an http(s) URL, got '${server}'`)
    this.base = url
  }

  url(path: string): URL {
    return new URL(`/api/v1${path}`, this.base)
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra }
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response
    try {
      res = await fetch(this.url(path), {
        method,
        headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (err) {
      throw new UserError(
        `cannot reach ${this.base.origin}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
      )
    }
    const text = await res.text()
    return parseAnswer<T>(res.status, text, `${method} ${path}`)
  }

  async text(path: string): Promise<string> {
    const res = await fetch(this.url(path), { headers: this.headers() }).catch((err: Error & { cause?: Error }) => {
      throw new UserError(`cannot reach ${this.base.origin}: ${err.cause?.message ?? err.message}`)
    })
    const text = await res.text()
    if (res.status >= 400) parseAnswer(res.status, text, `GET ${path}`)
    return text
  }

  /** POSTs a multipart form; onProgress(sent, total) as the body goes out. */
  upload<T>(
    path: string,
    fields: Record<string, string>,
    files: Array<{ name: string; bytes: Buffer }>,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<{ status: number; body: T }> {
    const boundary = `----dataperf${randomBytes(12).toString('hex')}`
    const chunks: Buffer[] = []
    const quote = (s: string) => s.replace(/["\r\n\\]/g, '_')
    for (const [name, value] of Object.entries(fields)) {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`),
      )
    }
    for (const f of files) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(f.name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        f.bytes,
        Buffer.from('\r\n'),
      )
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`))
    const body = Buffer.concat(chunks)
    const url = this.url(path)
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: this.headers({
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(body.length),
          }),
        },
        (res) => {
          const parts: Buffer[] = []
          res.on('data', (d: Buffer) => parts.push(d))
          res.on('end', () => {
            try {
              resolve({
                status: res.statusCode ?? 0,
                body: parseAnswer<T>(res.statusCode ?? 0, Buffer.concat(parts).toString('utf8'), `POST ${path}`),
              })
            } catch (err) {
              reject(err)
            }
          })
        },
      )
      req.on('error', (err) => reject(new UserError(`upload to ${this.base.origin} failed: ${err.message}`)))
      const CHUNK = 256 * 1024
      let sent = 0
      const writeNext = () => {
        while (sent < body.length) {
          const piece = body.subarray(sent, Math.min(body.length, sent + CHUNK))
          sent += piece.length
          onProgress?.(sent, body.length)
          if (!req.write(piece)) {
            req.once('drain', writeNext)
            return
          }
        }
        req.end()
      }
      writeNext()
    })
  }

  /** Follows /submissions/:id/events until the stream ends; calls onEvent with each submission state. */
  async follow<T>(submissionId: string, onEvent: (state: T) => void): Promise<void> {
    const res = await fetch(this.url(`/submissions/${encodeURIComponent(submissionId)}/events`), {
      headers: this.headers({ accept: 'text/event-stream' }),
    })
    if (res.status >= 400 || !res.body) {
      parseAnswer(res.status, await res.text(), 'GET events')
      return
    }
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true })
      let end
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n')
        if (data) onEvent(JSON.parse(data) as T)
      }
    }
  }
}

function parseAnswer<T>(status: number, text: string, what: string): T {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    if (status >= 400) throw new UserError(`${what}: the server answered ${status}: ${text.slice(0, 200)}`)
    return text as T
  }
  if (status >= 400) {
    const e = (body as ApiError).error
    throw new ServerRefusal(status, e?.code ?? 'error', e?.message ?? `the server answered ${status}`)
  }
  return body as T
}

/** The server said no (the message is the server's one line; `serverCode` the API's error code). */
export class ServerRefusal extends UserError {
  constructor(
    readonly status: number,
    readonly serverCode: string,
    message: string,
  ) {
    super(message, { code: 'refused' })
  }
}
