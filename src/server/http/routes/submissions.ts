import type { FastifyInstance } from '../../../vendor/fastify.js'
import { signManifest } from '../../manifest.js'
import { ServiceError } from '../../services/errors.js'
import {
  downloadSubmissionFiles,
  getPublicSubmission,
  getQuota,
  getSubmission,
  submit,
} from '../../services/submissions.js'
import { manifestOf } from '../../services/manifests.js'
import { requireAuth } from '../auth.js'
import { readUpload, refuseDeclaredOversize } from '../upload.js'
import type { RouteDeps } from '../route-deps.js'
import { QuotaSchema, SubmissionViewSchema, SubmitResultSchema } from '../../wire.js'

const tags = ['submissions']
const idParams = { type: 'object', properties: { id: { type: 'string' } } }
const FIELDS = ['method', 'description', 'link'] as const

export function submissionRoutes(api: FastifyInstance, { ctx, options, limits }: RouteDeps): void {
  api.get<{ Params: { board: string } }>(
    '/boards/:board/quota',
    {
      schema: {
        tags,
        summary: "Your team's quota on a board today: limit, used, remaining, resets_at",
        response: { 200: QuotaSchema },
      },
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
        response: { 200: SubmitResultSchema, 202: SubmitResultSchema },
      },
      config: { rateLimit: limits.upload },
      onRequest: refuseDeclaredOversize(ctx),
    },
    async (req, reply) => {
      const user = requireAuth(req)
      const { files, fields } = await readUpload(req, { maxBytes: ctx.config.maxUploadBytes, fields: FIELDS })
      const meta = { method: fields['method'] ?? '', description: fields['description'], link: fields['link'] }
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
        response: { 200: SubmissionViewSchema },
      },
    },
    async (req) => getSubmission(ctx, requireAuth(req), req.params.id),
  )

  api.get<{ Params: { id: string } }>(
    '/submissions/:id/summary',
    {
      schema: {
        tags,
        summary:
          "A submission shown on a board, as anyone who may see the board reads it (no log-in on a public board): team, method, description, link, score and its per-seed or per-task figures, rank, dates. Files and manifests stay the team's",
        params: idParams,
      },
    },
    async (req) => getPublicSubmission(ctx, req.user, req.params.id),
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
      const stream = api.eventStreams.start(req, reply)
      // the current state first: a page that reconnects after a restart is up to date at once
      stream.send('submission', last)
      const isFinal = (json: string) => {
        const s = (JSON.parse(json) as { status: string }).status
        return s === 'scored' || s === 'failed'
      }
      if (isFinal(last)) return stream.end()
      let busy = false
      const check = async () => {
        if (stream.closed || busy) return
        busy = true
        try {
          const now = JSON.stringify(await getSubmission(ctx, user, req.params.id))
          if (now !== last) {
            last = now
            stream.send('submission', now)
          }
          if (isFinal(now)) stream.end()
        } catch {
          stream.end()
        } finally {
          busy = false
        }
      }
      const event = `submission:${req.params.id}`
      const onChange = () => void check()
      ctx.events.on(event, onChange)
      // workers on other machines change the row without telling this process: poll too
      const poll = setInterval(onChange, 1000)
      stream.onClose(() => {
        clearInterval(poll)
        ctx.events.off(event, onChange)
      })
    },
  )
}
