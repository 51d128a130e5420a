/**
 * The HTTP server's defences against slow and greedy clients: a request must arrive whole (headers
 * and body) within `requestTimeoutMs`, its headers within `headersTimeoutMs`; a connection on which
 * nothing moves for `idleTimeoutMs` is closed (a body that stops, a forgotten keep-alive; the event
 * streams send a comment every 15 s, so they stay); and one address holds at most
 * `maxConnectionsPerAddress` connections: a few hundred slow sockets from one place cannot take
 * the server. Behind a reverse proxy every connection comes from the proxy, so its own addresses
 * are not counted: the proxy's per-client limit does that job there (README).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { type FastifyServerFactory, proxyAddr } from '../../vendor/fastify.js'

export interface ConnectionLimits {
  requestTimeoutMs: number
  headersTimeoutMs: number
  idleTimeoutMs: number
  maxConnectionsPerAddress: number
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  maxConnectionsPerAddress: 128,
}

/** Which peers are the organizer's proxies (never counted against the per-address cap). */
function proxyTest(trustProxy: boolean | string[] | undefined): (address: string) => boolean {
  if (trustProxy === true) return () => true
  if (!trustProxy || trustProxy.length === 0) return () => false
  const trusted = proxyAddr.compile(trustProxy)
  return (address) => trusted(address, 0)
}

/** Fastify's `serverFactory`: a node:http server with these limits. */
export function limitedServer(limits: ConnectionLimits, trustProxy?: boolean | string[]): FastifyServerFactory {
  return (handler) => {
    const server: Server = createServer(
      {
        requestTimeout: limits.requestTimeoutMs,
        headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
        // how often Node looks for requests past those times (its default, 30 s, would let a 5 s limit run to 35 s)
        connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
        keepAliveTimeout: Math.min(limits.idleTimeoutMs, 72_000),
      },
      handler as (req: IncomingMessage, res: ServerResponse) => void,
    )
    server.setTimeout(limits.idleTimeoutMs)
    const isProxy = proxyTest(trustProxy)
    const open = new Map<string, number>()
    server.on('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? ''
      if (isProxy(address)) return
      const n = (open.get(address) ?? 0) + 1
      if (n > limits.maxConnectionsPerAddress) {
        socket.destroy()
        return
      }
      open.set(address, n)
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1
        if (left <= 0) open.delete(address)
        else open.set(address, left)
      })
    })
    return server
  }
}
