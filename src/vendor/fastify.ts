/**
 * Fastify and the plugins the server registers, as the server imports them. At run time this
 * module is one bundled file (scripts/bundle-vendor.mjs): the packages' ~440 files (mostly CommonJS) cost
 * ~0.27 s of CPU at every start of `serve`; bundled, ~0.12 s. Types come from the packages.
 */
export { default as Fastify } from 'fastify'
export type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  FastifyServerFactory,
} from 'fastify'
export { Negotiator } from '@fastify/accept-negotiator'
export { default as fastifyCompress } from '@fastify/compress'
export { default as fastifyCookie } from '@fastify/cookie'
export { default as fastifyCsrf } from '@fastify/csrf-protection'
export { default as fastifyFormbody } from '@fastify/formbody'
export { default as fastifyMultipart } from '@fastify/multipart'
export { default as proxyAddr } from '@fastify/proxy-addr'
export { default as fastifyRateLimit } from '@fastify/rate-limit'
export { default as fastifySwagger } from '@fastify/swagger'
export { default as helmet, type HelmetOptions } from 'helmet'
