/**
 * A refusal the API reports as `{ error: { code, message } }` with an HTTP status. Services throw
 * it; routes and pages only translate it. `extra` carries machine-readable fields (e.g. the quota,
 * or `field`: the request field at fault, which the web form shows the message next to).
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'ServiceError'
  }

  /** The request field at fault (`method`, `link`, `board`, ...), when the refusal names one. */
  get field(): string | undefined {
    return typeof this.extra['field'] === 'string' ? this.extra['field'] : undefined
  }
}

export const notFound = (what: string) => new ServiceError(404, 'not_found', `${what} not found`)
export const forbidden = (message: string) => new ServiceError(403, 'forbidden', message)
export const unauthorized = (message = 'log in first, or send an API token as "Authorization: Bearer TOKEN"') =>
  new ServiceError(401, 'unauthorized', message)
export const badRequest = (message: string, code = 'bad_request', field?: string) =>
  new ServiceError(400, code, message, field === undefined ? {} : { field })
