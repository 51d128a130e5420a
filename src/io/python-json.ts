/**
 * JSON text exactly as Python's `json.dumps(obj, indent=4)` writes it, so that our results files
 * are byte-for-byte the official ones: floats in Python's repr (1.0, 0.25, 1e-05), ", " and ": "
 * separators, non-ASCII escaped.
 */

/** Python's repr() of a float: the shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [mantissa, expText] = x.toExponential().split('e') as [string, string]
  const exp = Number(expText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  let body: string
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`
  } else if (digits.length <= exp + 1) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
  }
  return negative ? `-${body}` : body
}

/** A number that Python holds as an int (written without ".0"); plain numbers are floats. */
export class PyInt {
  constructor(readonly value: number) {}
}

function pythonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

export function pythonJsonDumps(value: unknown, indent = 4, level = 0): string {
  const pad = ' '.repeat(indent * (level + 1))
  const close = ' '.repeat(indent * level)
  if (value === null || value === undefined) return 'null'
  if (value instanceof PyInt) return String(value.value)
  if (typeof value === 'number') return pythonFloatRepr(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'string') return pythonString(value)
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return `[\n${value.map((v) => pad + pythonJsonDumps(v, indent, level + 1)).join(',\n')}\n${close}]`
  }
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length === 0) return '{}'
  return `{\n${entries.map(([k, v]) => `${pad}${pythonString(k)}: ${pythonJsonDumps(v, indent, level + 1)}`).join(',\n')}\n${close}}`
}
