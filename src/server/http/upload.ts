/**
 * Reading a submission upload (multipart/form-data), for the API route and the submit form alike:
 * files under field "file", a few text fields, the size cap held while the bytes stream in, and
 * every way a body can be wrong answered with a sentence and a 4xx (never a 500 with a stack):
 * too large (with the sizes), too many files, a field cut off by the parser, a malformed body. A
 * form sent with the session cookie carries its CSRF token as its FIRST field, checked before any
 * file is read, so the token never travels in the URL.
 */
import type { FastifyRequest } from '../../vendor/fastify.js'
import type { SubmittedFile } from '../boards/index.js'
import type { ServerContext } from '../services/context.js'
import { ServiceError } from '../services/errors.js'
import { csrfError } from './auth.js'

/** The multipart parser's limits (the total size is checked here, file by file). */
export const MULTIPART_LIMITS = {
  /** files per submission (vision sends one CSV per task) */
  files: 20,
  /** bytes of one text field; longer ones are refused, never cut */
  fieldSize: 64 * 1024,
  fields: 10,
  parts: 40,
} as const

export interface UploadForm {
  files: SubmittedFile[]
  fields: Record<string, string>
}

const MB = 1024 * 1024

/** "25.0 MB": one decimal, as the page's own check says it. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`
}

/** The cap as organizers set it: "20 MB" (a fraction only when it has one). */
export function formatLimit(bytes: number): string {
  const mb = bytes / MB
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`
}

export function tooLarge(maxBytes: number, size?: number): ServiceError {
  return new ServiceError(
    413,
    'too_large',
    size === undefined
      ? `upload too large: the limit is ${formatLimit(maxBytes)} per submission`
      : `upload too large: ${formatMegabytes(size)}; the limit is ${formatLimit(maxBytes)} per submission`,
    { limit_bytes: maxBytes, ...(size === undefined ? {} : { size_bytes: size }) },
  )
}

/** An onRequest hook: refuses at once, before reading, a body that declares more bytes than the cap (plus room for the form fields). */
export function refuseDeclaredOversize(ctx: ServerContext) {
  return async (req: FastifyRequest) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > ctx.config.maxUploadBytes + 64 * 1024) throw tooLarge(ctx.config.maxUploadBytes, declared)
  }
}

/** What the multipart parser throws, as the sentence the sender needs. */
function bodyError(err: unknown, maxBytes: number): unknown {
  if (err instanceof ServiceError) return err
  const code = (err as { code?: string }).code ?? ''
  if (code.startsWith('FST_CSRF')) return err
  if (code === 'FST_FILES_LIMIT')
    return new ServiceError(
      413,
      'too_many_files',
      `too many files: a submission has at most ${MULTIPART_LIMITS.files} files (vision: one CSV per task; speech: one JSON file)`,
    )
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes)
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return new ServiceError(
      413,
      'too_many_fields',
      `too many form fields: a submission sends the file(s), method, description and link`,
    )
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new ServiceError(415, 'multipart_expected', 'send the submission as multipart/form-data')
  // the parser's own errors (busboy: a missing boundary, a body that ends inside a part, ...)
  const detail = (err as Error).message?.split('\n')[0] ?? String(err)
  return new ServiceError(
    400,
    'bad_multipart',
    `the upload is not a well-formed multipart/form-data body (${detail}); send it again from the form, or with curl -F`,
  )
}

/**
 * Reads the parts: files (field "file", repeatable) and the text fields named in `fields`. With
 * `csrf`, the first part must be the `_csrf` field and is checked before anything else is read.
 */
export async function readUpload(
  req: FastifyRequest,
  options: { maxBytes: number; fields: readonly string[]; csrf?: (token: string) => Promise<void> },
): Promise<UploadForm> {
  if (!req.isMultipart())
    throw new ServiceError(
      415,
      'multipart_expected',
      'send the submission as multipart/form-data: field "file" (repeatable) and "method"',
    )
  const out: UploadForm = { files: [], fields: {} }
  let total = 0
  let first = true
  try {
    for await (const part of req.parts()) {
      if (first && options.csrf) {
        if (part.type !== 'field' || part.fieldname !== '_csrf') throw csrfError()
        await options.csrf(String(part.value))
        first = false
        continue
      }
      first = false
      if (part.type === 'file') {
        if (part.fieldname !== 'file')
          throw new ServiceError(
            400,
            'bad_request',
            `unexpected file field '${part.fieldname}'; send files as field "file"`,
          )
        const bytes = await part.toBuffer()
        if (part.filename === '' && bytes.length === 0) continue // a form's file field left empty
        total += bytes.length
        if (total > options.maxBytes) throw tooLarge(options.maxBytes)
        out.files.push({ name: part.filename.split(/[\\/]/).pop() ?? '', bytes })
      } else if (options.fields.includes(part.fieldname)) {
        if (part.valueTruncated)
          throw new ServiceError(
            400,
            'bad_request',
            `${part.fieldname}: too long (over ${MULTIPART_LIMITS.fieldSize / 1024} KB); it was not stored`,
          )
        out.fields[part.fieldname] = String(part.value)
      }
    }
  } catch (err) {
    throw bodyError(err, options.maxBytes)
  }
  if (first && options.csrf) throw csrfError()
  return out
}
