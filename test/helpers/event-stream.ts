/**
 * A server-sent events client for tests: opens the stream with plain node:http (so a test can
 * hold hundreds at once and send Last-Event-ID), parses events as they arrive, and waits for the
 * one it needs.
 */
import { request, type ClientRequest } from 'node:http'

export interface ServerEvent {
  event: string
  data: string
  id?: string
}

export class EventStreamClient {
  readonly events: ServerEvent[] = []
  /** bytes received, events and pings included */
  bytes = 0
  ended = false
  error: Error | undefined
  private req: ClientRequest | undefined
  private waiters: Array<() => void> = []

  private constructor() {}

  static open(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
    const c = new EventStreamClient()
    return new Promise((resolve, reject) => {
      c.req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        if (res.statusCode !== 200) {
          let body = ''
          res.on('data', (d: Buffer) => (body += d.toString()))
          res.on('end', () => reject(new Error(`${url}: ${res.statusCode} ${body}`)))
          return
        }
        let buffer = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          c.bytes += Buffer.byteLength(chunk)
          buffer += chunk
          let cut: number
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut)
            buffer = buffer.slice(cut + 2)
            const e: ServerEvent = { event: 'message', data: '' }
            let has = false
            for (const line of block.split('\n')) {
              const m = /^(\w+): ?(.*)$/.exec(line)
              if (!m) continue
              if (m[1] === 'event') e.event = m[2]!
              else if (m[1] === 'data') {
                e.data += m[2]!
                has = true
              } else if (m[1] === 'id') e.id = m[2]!
            }
            if (has) c.events.push(e)
          }
          c.wakeAll()
        })
        res.on('end', () => {
          c.ended = true
          c.wakeAll()
        })
        resolve(c)
      })
      c.req.on('error', (err) => {
        c.error = err
        c.wakeAll()
        reject(err)
      })
      c.req.end()
    })
  }

  private wakeAll(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  /** The first event (from index `from`) that `match` accepts, waiting up to `timeoutMs`. */
  async next(match: (e: ServerEvent) => boolean, timeoutMs = 30_000, from = 0): Promise<ServerEvent> {
    const end = Date.now() + timeoutMs
    for (;;) {
      const found = this.events.slice(from).find(match)
      if (found) return found
      if (this.ended || this.error)
        throw new Error(`stream ended before the event (${this.error?.message ?? 'closed'})`)
      const left = end - Date.now()
      if (left <= 0)
        throw new Error(`no such event within ${timeoutMs} ms; got ${this.events.map((e) => e.event).join(', ')}`)
      await new Promise<void>((r) => {
        const t = setTimeout(r, left)
        this.waiters.push(() => {
          clearTimeout(t)
          r()
        })
      })
    }
  }

  close(): void {
    this.req?.destroy()
  }
}
