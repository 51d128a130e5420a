import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { SubmittedFile } from '../../boards/index.js'
import { signManifest } from '../../manifest.js'
import { ServiceError } from '../../services/errors.js'
import {
  downloadSubmissionFiles,
  getQuota,
  getSubmission,
  submit,
  type SubmissionMeta,
} from '../../services/submissions.js'
import { manifestOf } from '../../services/manifests.js'
import { requireAuth } from '../auth.js'
import type { RouteDeps } from '../route-deps.js'

const tags = ['submissions']
const idParams = { type: 'object', properties: { id: { type: 'string' } } }
const FIELDS = new Set(['method', 'description', 'link'])

/** Reads the multipart upload: files (field `file`, repeatable) and the method fields; each file is cut off at the size cap while streaming. */
async function readUpload(
  req: FastifyRequest,
  maxBytes: number,
): Promise<{ files: SubmittedFile[]; meta: SubmissionMeta }> {
  if (!req.isMultipart())
    throw new ServiceError(
      415,
      'multipart_expected',
      'send the submission as multipart/form-data: field "file" (repeatable) and "method"',
    )
  const files: SubmittedFile[] = []
  const meta: Record<string, string> = {}
  let total = 0
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file')
        throw new ServiceError(
          400,
          'bad_request',
          `unexpected file field '${part.fieldname}'; send files as field "file"`,
        )
      const bytes = await part.toBuffer()
      total += bytes.length
      if (total > maxBytes)
        throw new ServiceError(413, 'too_large', `upload too large: at most ${maxBytes} bytes per submission`)
      const name = part.filename.split(/[\\/]/).pop() ?? ''
      files.push({ name, bytes })
    } else if (FIELDS.has(part.fieldname)) {
      meta[part.fieldname] = String(part.value)
    }
  }
  return { files, meta: { method: meta['method'] ?? '', description: meta['description'], link: meta['link'] } }
}

export function submissionRoutes(api: FastifyInstance, { ctx, options, rateLimits }: RouteDeps): void {
  api.get<{ Params: { board: string } }>(
    '/boards/:board/quota',
    {
      schema: { tags, summary: "Your team's quota on a board today: limit, used, remaining, resets_at" },
    },
    async (req) => getQuota(ctx, requireAuth(req), req.params.board),
  )

  api.post<{ Params: { board: string } }>(
    '/boards/:board/submissions',
    {
      schema: {
        tags,
        summary:
          'Submit a training set (multipart: file, method, description?, link?). 202 queued; 200 byte-equal resubmission; 400 invalid_file (not charged); 429 quota_exceeded',
        consumes: ['multipart/form-data'],
      },
      config: {
        rateLimit: {
          max: rateLimits.submit.max,
          timeWindow: rateLimits.submit.windowMs,
          keyGenerator: (req: FastifyRequest) => req.user?.id ?? req.ip,
        },
      },
      // refuse at once, before reading, an upload that declares more bytes than the cap (plus room for the form fields)
      onRequest: async (req) => {
        const declared = Number(req.headers['content-length'] ?? 0)
        if (declared > ctx.config.maxUploadBytes + 64 * 1024)
          throw new ServiceError(
            413,
            'too_large',
            `upload too large: ${declared} bytes; at most ${ctx.config.maxUploadBytes} bytes per submission`,
          )
      },
    },
    async (req, reply) => {
      const user = requireAuth(req)
      const { files, meta } = await readUpload(req, ctx.config.maxUploadBytes)
      const result = await submit(ctx, user, req.params.board, files, meta)
      return reply.status(result.duplicate ? 200 : 202).send(result)
    },
  )

  api.get<{ Params: { id: string } }>(
    '/submissions/:id',
    {
      schema: {
        tags,
        summary: 'A submission of your team: status, stage, error, score, details, rank',
        params: idParams,
      },
    },
    async (req) => getSubmission(ctx, requireAuth(req), req.params.id),
  )

  api.get<{ Params: { id: string; index: string } }>(
    '/submissions/:id/files/:index',
    {
      schema: { tags, summary: 'One submitted file back (your team and organizers only)' },
    },
    async (req, reply) => {
      const files = await downloadSubmissionFiles(ctx, requireAuth(req), req.params.id)
      const file = files[Number(req.params.index)]
      if (!file) throw new ServiceError(404, 'not_found', 'no such file in this submission')
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`)
        .send(file.bytes)
    },
  )

  api.get<{ Params: { id: string } }>(
    '/submissions/:id/manifest',
    {
      schema: {
        tags,
        summary: 'The signed result manifest of a scored submission (check it with dataperf verify-result)',
        params: idParams,
      },
    },
    async (req) => {
      const view = await getSubmission(ctx, requireAuth(req), req.params.id)
      if (view.status !== 'scored' || view.score_hidden)
        throw new ServiceError(
          409,
          'not_scored',
          view.score_hidden
            ? 'the score is hidden until the organizers publish the board'
            : `submission ${view.id} is ${view.status}, not scored yet`,
        )
      return signManifest(await manifestOf(ctx, view.id), options.keys.privateKey)
    },
  )

  api.get<{ Params: { id: string } }>(
    '/submissions/:id/events',
    {
      schema: {
        tags,
        summary:
          'Server-sent events: the submission (event "submission") whenever it changes, until it is scored or failed',
        params: idParams,
      },
    },
    async (req, reply) => {
      const user = requireAuth(req)
      let last = JSON.stringify(await getSubmission(ctx, user, req.params.id))
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      const send = (data: string) => res.write(`event: submission\ndata: ${data}\n\n`)
      send(last)
      const isFinal = (json: string) => {
        const s = (JSON.parse(json) as { status: string }).status
        return s === 'scored' || s === 'failed'
      }
      if (isFinal(last)) {
        res.end()
        return
      }
      let closed = false
      let busy = false
      const check = async () => {
        if (closed || busy) return
        busy = true
        try {
          const now = JSON.stringify(await getSubmission(ctx, user, req.params.id))
          if (now !== last) {
            last = now
            send(now)
          }
          if (isFinal(now)) finish()
        } catch {
          finish()
        } finally {
          busy = false
        }
      }
      const event = `submission:${req.params.id}`
      const onChange = () => void check()
      ctx.events.on(event, onChange)
      // workers on other machines change the row without telling this process: poll too
      const poll = setInterval(onChange, 1000)
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000)
      function finish() {
        if (closed) return
        closed = true
        clearInterval(poll)
        clearInterval(ping)
        ctx.events.off(event, onChange)
        res.end()
      }
      req.raw.on('close', finish)
    },
  )
}
