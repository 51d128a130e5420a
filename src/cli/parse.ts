import { InvalidArgumentError } from 'commander'

/** commander value parser for positive integers. */
export function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`)
  return n
}

/** commander value parser for integers >= 0 (seeds). */
export function nonNegativeInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, got '${value}'`)
  return n
}

/** commander value parser for a number of seconds > 0 (timeouts). */
export function positiveSeconds(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number of seconds > 0, got '${value}'`)
  return n
}
