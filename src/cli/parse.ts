/**
 * commander value parsers: every numeric flag of every command is checked by the one number checker
 * (numbers.ts) against its rule. A mistake is one line naming the flag and the range, exit 2,
 * before the command's module loads.
 */
import { InvalidArgumentError } from 'commander'
import { UserError } from '../errors.js'
import {
  checkNumber,
  describeRule,
  NON_NEGATIVE_INT,
  POSITIVE_INT,
  SECONDS_RULE,
  SEED_RULE,
  type NumberRule,
} from '../numbers.js'
import { USER_ERROR_EXIT } from './exit-codes.js'

/** A value parser for a flag whose number must obey `rule`. */
export function numberFlag(rule: NumberRule): (value: string) => number {
  return (value) => {
    try {
      return checkNumber(value, rule, {})
    } catch (err) {
      if (!(err instanceof UserError)) throw err
      // commander prints "error: option '--pool-size <n>' argument '5' is invalid. expected ..."
      const e = new InvalidArgumentError(`expected ${describeRule(rule)}`)
      e.exitCode = USER_ERROR_EXIT
      throw e
    }
  }
}

/** integers >= 1 (counts, sizes) */
export const positiveInt = numberFlag(POSITIVE_INT)
/** integers >= 0 (retries, workers) */
export const nonNegativeInt = numberFlag(NON_NEGATIVE_INT)
/** seeds: the official tools' range, 0 to 2^32 - 1 */
export const seed = numberFlag(SEED_RULE)
/** a number of seconds > 0 (timeouts) */
export const positiveSeconds = numberFlag(SECONDS_RULE)
/** --max-memory of a selection: from 256 MB (a worker thread and tsx need about that) to 1 TB */
export const MAX_MEMORY_RULE: NumberRule = { integer: true, min: 256, max: 1 << 20, unit: 'MB' }
