/** Row ids: a readable prefix (sub_, job_, usr_...) and a random UUID's 32 hex digits. */
import { randomUUID } from 'node:crypto'

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`
}
