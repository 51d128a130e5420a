/**
 * Sending a body that is written once and asked for many times (a board's page at one version):
 * 304 when the client already has it (If-None-Match), else the bytes in the encoding the client
 * prefers (brotli, gzip), compressed on first demand and kept with the body, so a busy board
 * costs one compression per version and encoding, not one per request.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { type FastifyReply, type FastifyRequest, Negotiator } from '../../vendor/fastify.js'
import type { CachedBody } from '../services/leaderboard.js'

const encodings = new Negotiator({ supportedValues: ['br', 'gzip', 'identity'] })
/** below this, compressing saves less than its headers cost */
const MIN_COMPRESS = 1024

function encode(text: string, encoding: 'br' | 'gzip'): Buffer {
  return encoding === 'br'
    ? // quality 5: about gzip's speed at a smaller size (11, the default, is ~30x slower)
      brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
    : gzipSync(text, { level: 6 })
}

/** If-None-Match against an ETag, by the weak comparison RFC 9110 asks for GET. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  const bare = etag.replace(/^W\//, '')
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare)
}

export function sendReusable(req: FastifyRequest, reply: FastifyReply, body: CachedBody): FastifyReply {
  reply
    .header('etag', body.etag)
    .header('cache-control', `${body.isPublic ? 'public' : 'private'}, no-cache`)
    .header('vary', 'accept-encoding')
  if (body.filename) reply.header('content-disposition', `attachment; filename="${body.filename}"`)
  if (etagMatches(req.headers['if-none-match'], body.etag)) return reply.status(304).send()
  reply.type(body.contentType)
  const accept = req.headers['accept-encoding']
  const encoding = accept && body.text.length >= MIN_COMPRESS ? encodings.negotiate(accept) : null
  if (encoding === 'br' || encoding === 'gzip') {
    let bytes = body.encoded.get(encoding)
    if (!bytes) body.encoded.set(encoding, (bytes = encode(body.text, encoding)))
    return reply.header('content-encoding', encoding).send(bytes)
  }
  let bytes = body.encoded.get('identity')
  if (!bytes) body.encoded.set('identity', (bytes = Buffer.from(body.text)))
  return reply.send(bytes)
}
