/**
 * Server-sent event streams, one helper for every stream the server keeps open (a submission's,
 * a board's, a rescore's): the headers, a `retry:` so a browser comes back within seconds, a
 * comment every `pingMs` so proxies and the idle timeout leave a quiet stream open, and one
 * registry, so that a stopping server ends them all at once (an open page would otherwise keep the
 * process alive) and the pages reconnect to the next one.
 */
import type { FastifyReply, FastifyRequest } from '../../vendor/fastify.js'

export interface EventStream {
  /** one event: `event: NAME` and its data (one line of JSON); `id` comes back as Last-Event-ID on a reconnect */
  send(event: string, data: string, id?: string | number): void
  /** called once when the stream ends, whoever ends it */
  onClose(fn: () => void): void
  end(): void
  readonly closed: boolean
}

/** How long a browser waits before reconnecting a dropped stream. */
const RETRY_MS = 2000

export class EventStreams {
  private readonly open = new Set<EventStream>()

  constructor(readonly pingMs: number) {}

  get size(): number {
    return this.open.size
  }

  /** Takes over the response and starts a stream on it. */
  start(req: FastifyRequest, reply: FastifyReply): EventStream {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    res.write(`retry: ${RETRY_MS}\n\n`)
    const closers: Array<() => void> = []
    const ping = setInterval(() => res.write(': ping\n\n'), this.pingMs)
    const stream: EventStream = {
      closed: false,
      send: (event, data, id) => {
        if (!stream.closed) res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`)
      },
      onClose: (fn) => closers.push(fn),
      end: () => {
        if (stream.closed) return
        ;(stream as { closed: boolean }).closed = true
        clearInterval(ping)
        this.open.delete(stream)
        for (const fn of closers) fn()
        res.end()
      },
    }
    this.open.add(stream)
    req.raw.on('close', () => stream.end())
    return stream
  }

  /** Ends every open stream (the server is stopping); the browsers reconnect after RETRY_MS. */
  endAll(): void {
    for (const s of [...this.open]) s.end()
  }
}
