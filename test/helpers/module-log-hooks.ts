/** Module hooks (node:module register) that append every URL the ES module loader loads to $DATAPERF_MODULE_LOG. */
import { appendFileSync } from 'node:fs'

type Next = (url: string, context: unknown) => Promise<unknown>

export async function load(url: string, context: unknown, next: Next): Promise<unknown> {
  const log = process.env['DATAPERF_MODULE_LOG']
  if (log) appendFileSync(log, url + '\n')
  return next(url, context)
}
