import type { FastifyInstance } from '../../../vendor/fastify.js'
import { currentPhase, effectivePhases, phaseJson } from '../../services/phases.js'
import type { RouteDeps } from '../route-deps.js'

const tags = ['challenge']

export function challengeRoutes(api: FastifyInstance, { ctx, options }: RouteDeps): void {
  api.get(
    '/challenge',
    { schema: { tags, summary: 'The challenge: boards (without server paths), phases, the open phase' } },
    async () => {
      const phases = await effectivePhases(ctx)
      const current = await currentPhase(ctx)
      return {
        name: ctx.challenge.name,
        description: ctx.challenge.description,
        boards: ctx.challenge.boards.map((b) =>
          b.track === 'speech'
            ? {
                id: b.id,
                track: b.track,
                language: b.language,
                train_size: b.trainSize,
                file: `${b.language}_${b.trainSize}_train.json`,
              }
            : { id: b.id, track: b.track, tasks: b.tasks, files: b.tasks.map((t) => `${t}.csv`) },
        ),
        phases: phases.map(phaseJson),
        current_phase: current ? current.name : null,
        max_upload_bytes: ctx.config.maxUploadBytes,
      }
    },
  )

  api.get(
    '/public-key',
    { schema: { tags, summary: "The server's ed25519 public key (PEM) that signs result manifests" } },
    async (_req, reply) => {
      return reply.type('application/x-pem-file').send(options.keys.publicKeyPem)
    },
  )
}
