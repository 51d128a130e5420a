/**
 * The one number checker: every number a user gives, on the command line or in a config file
 * (sweep YAML, speech config, task setup, challenge.yaml), is checked here against its rule, and a
 * mistake is one line naming the flag or the file and key, with the range: exit 2, never a
 * crash later on (a pool of 1e12 rows) or a silently rounded value (a 20-digit seed).
 */
import { UserError, type ErrorFields } from './errors.js'
import { shown } from './shown.js'

export interface NumberRule {
  /** whole numbers only */
  integer?: boolean
  min?: number
  max?: number
  /** the lower bound itself is not allowed (a number > min rather than >= min) */
  minExclusive?: boolean
  /** what the number counts, said after the range: 'seconds', 'MB' */
  unit?: string
}

/** Where the number came from: a flag or library option (`option`), or a file's key (`path`, `field`). */
export type NumberSource = Pick<ErrorFields, 'option' | 'path' | 'field' | 'row'>

/** The seeds of numpy, scikit-learn and Python's random as the official tools call them: 0 to 2^32 - 1. */
export const SEED_RULE: NumberRule = { integer: true, min: 0, max: 2 ** 32 - 1 }
/** A count of at least one (rows, seeds, workers per command). */
export const POSITIVE_INT: NumberRule = { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER }
/** A count that may be zero (retries, in-process workers). */
export const NON_NEGATIVE_INT: NumberRule = { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }
/** A duration: more than zero seconds, at most a year. */
export const SECONDS_RULE: NumberRule = { min: 0, minExclusive: true, max: 365 * 24 * 3600, unit: 'seconds' }

/** Decimal notation only: no hex, no 'Infinity', no empty string (which Number() reads as 0). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** "an integer from 0 to 4294967295", "a number > 0 and at most 10", ... */
export function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number'
  const unit = rule.unit ? ` ${rule.unit}` : ''
  const bigMax = rule.max === undefined || rule.max >= Number.MAX_SAFE_INTEGER
  if (rule.min === undefined && bigMax) return `${kind}${unit}`
  if (rule.min === undefined) return `${kind} <= ${rule.max}${unit}`
  const low = `${rule.minExclusive ? '>' : '>='} ${rule.min}`
  if (bigMax) return `${kind} ${low}${unit}`
  if (!rule.minExclusive) return `${kind} from ${rule.min} to ${rule.max}${unit}`
  return `${kind} > ${rule.min} and <= ${rule.max}${unit}`
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return shown(value)
  if (typeof value === 'number') return String(value) // NaN, Infinity and 1e+30 as they are
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return shown(String(value))
}

/**
 * `value` (a flag's text or a parsed YAML value) as a number obeying `rule`, or a UserError
 * (code bad_number) naming where it came from: `--pool-size: expected an integer from 1000 to
 * 5000000, got '5'`, `sweep.yaml: vision.pool_size: expected ...`.
 */
export function checkNumber(value: unknown, rule: NumberRule, source: NumberSource): number {
  let n = Number.NaN
  if (typeof value === 'number') n = value
  else if (typeof value === 'string' && DECIMAL.test(value.trim())) n = Number(value.trim())
  const ok =
    Number.isFinite(n) &&
    (!rule.integer || Number.isSafeInteger(n)) &&
    (rule.min === undefined || (rule.minExclusive ? n > rule.min : n >= rule.min)) &&
    (rule.max === undefined || n <= rule.max)
  if (ok) return n === 0 ? 0 : n // -0 is 0
  const at = [source.path, source.field].filter((p) => p !== undefined).join(': ')
  const row = source.row !== undefined ? ` (row ${source.row})` : ''
  const tooPrecise =
    rule.integer && typeof value === 'string' && Number.isInteger(n) && !Number.isSafeInteger(n)
      ? ' (too large to hold exactly)'
      : ''
  return fail(
    (name) =>
      `${source.option !== undefined ? name(source.option) : at}${row}: expected ${describeRule(rule)}, got ${describeValue(value)}${tooPrecise}`,
    source,
  )
}

function fail(message: (name: (o: string) => string) => string, source: NumberSource): never {
  throw new UserError(message, { code: 'bad_number', ...source })
}

/** An optional number: undefined stays undefined. */
export function checkOptionalNumber(value: unknown, rule: NumberRule, source: NumberSource): number | undefined {
  return value === undefined ? undefined : checkNumber(value, rule, source)
}
