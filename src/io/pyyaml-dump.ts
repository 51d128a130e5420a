/**
 * YAML text byte for byte as PyYAML's `yaml.dump(obj, default_flow_style=None, sort_keys=False)`
 * writes it (PyYAML 6, default width 80, indent 2, no unicode), for the shapes the official tools
 * dump: mappings with string keys whose values are strings, lists of strings or such mappings.
 * Written by hand because no JavaScript YAML library reproduces PyYAML's emitter (its style
 * choice for each string, and where it wraps long flow sequences); organizers' files must equal
 * the official ones. Checked against PyYAML itself by test/pyyaml-dump.test.ts.
 *
 * PyYAML's rules, as applied here:
 * - a collection whose items are all strings (or that is empty) is written in flow style
 *   (`[a, b]`), any other in block style;
 * - inside a flow sequence, after each comma, a line longer than 80 columns continues on a new
 *   line indented by the sequence's indent;
 * - each string is written plain when YAML would read it back as a string and it holds no
 *   indicator; otherwise single-quoted; double-quoted (with escapes) when it holds characters
 *   outside printable ASCII.
 */

export type PyYamlValue = string | PyYamlValue[] | Map<string, PyYamlValue> | { [key: string]: PyYamlValue }

const BEST_WIDTH = 80
const BEST_INDENT = 2
const LINE_BREAKS = '\n\x85\u2028\u2029'
const WHITESPACE_OR_END = '\0 \t\r\n\x85\u2028\u2029'

/** YAML 1.1 implicit types (PyYAML's resolver), tried only when the first character fits. */
const IMPLICIT_TYPES: Array<{ first: string; pattern: RegExp }> = [
  { first: 'yYnNtTfFoO', pattern: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/ },
  {
    first: '-+0123456789.',
    pattern:
      /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  },
  {
    first: '-+0123456789',
    pattern:
      /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  },
  { first: '<', pattern: /^(?:<<)$/ },
  { first: '~nN', pattern: /^(?:~|null|Null|NULL|)$/ },
  {
    first: '0123456789',
    pattern:
      /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  },
  { first: '=', pattern: /^(?:=)$/ },
  { first: '!&*', pattern: /^(?:!|&|\*)$/ },
]

/** True when a plain scalar with this text would be read back as a string (not a bool, number, null, date...). */
function readsBackAsString(text: string): boolean {
  if (text === '') return false // the empty plain scalar is null
  const first = text[0]!
  return !IMPLICIT_TYPES.some((t) => t.first.includes(first) && t.pattern.test(text))
}

interface Analysis {
  empty: boolean
  multiline: boolean
  flowPlain: boolean
  blockPlain: boolean
  singleQuoted: boolean
}

const isPrintableAscii = (ch: string) => ch >= '\x20' && ch <= '\x7e'

/** Which styles can carry `chars` (one entry per code point), as PyYAML's analyze_scalar decides. */
function analyze(chars: string[]): Analysis {
  const n = chars.length
  if (n === 0) return { empty: true, multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true }
  const text = chars.join('')
  let blockIndicators = text.startsWith('---') || text.startsWith('...')
  let flowIndicators = blockIndicators
  let lineBreaks = false,
    special = false
  let leadingSpace = false,
    trailingSpace = false,
    leadingBreak = false,
    trailingBreak = false
  let breakSpace = false,
    spaceBreak = false,
    previousSpace = false,
    previousBreak = false
  for (let i = 0; i < n; i++) {
    const ch = chars[i]!
    const followedByWs = i + 1 >= n || WHITESPACE_OR_END.includes(chars[i + 1]!)
    const precededByWs = i === 0 || WHITESPACE_OR_END.includes(chars[i - 1]!)
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowIndicators = blockIndicators = true
      if ('?:'.includes(ch)) {
        flowIndicators = true
        if (followedByWs) blockIndicators = true
      }
      if (ch === '-' && followedByWs) flowIndicators = blockIndicators = true
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true
      if (ch === ':') {
        flowIndicators = true
        if (followedByWs) blockIndicators = true
      }
      if (ch === '#' && precededByWs) flowIndicators = blockIndicators = true
    }
    if (LINE_BREAKS.includes(ch)) lineBreaks = true
    // without allow_unicode every character outside printable ASCII (bar \n) needs escaping
    if (!(ch === '\n' || isPrintableAscii(ch))) special = true
    if (ch === ' ') {
      if (i === 0) leadingSpace = true
      if (i === n - 1) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (LINE_BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true
      if (i === n - 1) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = false
      previousBreak = false
    }
  }
  let flowPlain = true,
    blockPlain = true,
    singleQuoted = true
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false
  if (breakSpace) flowPlain = blockPlain = singleQuoted = false
  if (spaceBreak || special) flowPlain = blockPlain = singleQuoted = false
  if (lineBreaks) flowPlain = blockPlain = false
  if (flowIndicators) flowPlain = false
  if (blockIndicators) blockPlain = false
  return { empty: false, multiline: lineBreaks, flowPlain, blockPlain, singleQuoted }
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0a': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\x0d': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
}

function escapeChar(ch: string): string {
  const named = ESCAPES[ch]
  if (named !== undefined) return `\\${named}`
  const code = ch.codePointAt(0)!
  const hex = code.toString(16).toUpperCase()
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`
  return `\\U${hex.padStart(8, '0')}`
}

function entriesOf(value: Map<string, PyYamlValue> | { [key: string]: PyYamlValue }): Array<[string, PyYamlValue]> {
  return value instanceof Map ? [...value.entries()] : Object.entries(value)
}

/** The emitter's cursor: what PyYAML tracks to decide on spaces, line breaks and indentation. */
class Emitter {
  out = ''
  column = 0
  whitespace = true
  indention = true
  indent: number | null = null
  private readonly indents: Array<number | null> = []
  flowLevel = 0

  private write(data: string): void {
    this.out += data
    this.column += data.length // all output is ASCII, so length is the column count
  }

  private increaseIndent(flow: boolean): void {
    this.indents.push(this.indent)
    this.indent = this.indent === null ? (flow ? BEST_INDENT : 0) : this.indent + BEST_INDENT
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    this.write(this.whitespace || !needWhitespace ? indicator : ` ${indicator}`)
    this.whitespace = whitespace
    this.indention = this.indention && indention
  }

  writeIndent(): void {
    const indent = this.indent ?? 0
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak()
    if (this.column < indent) {
      this.whitespace = true
      this.write(' '.repeat(indent - this.column))
    }
  }

  private writeLineBreak(): void {
    this.out += '\n'
    this.whitespace = true
    this.indention = true
    this.column = 0
  }

  node(value: PyYamlValue): void {
    if (typeof value === 'string') {
      this.scalar(value, false)
      return
    }
    if (Array.isArray(value)) {
      if (!value.every((v) => typeof v === 'string')) throw new Error('pyyamlDump: block sequences are not supported')
      this.flowSequence(value as string[])
      return
    }
    const entries = entriesOf(value)
    if (entries.length === 0) {
      this.writeIndicator('{', true, true)
      this.writeIndicator('}', false)
      return
    }
    if (entries.every(([, v]) => typeof v === 'string')) throw new Error('pyyamlDump: flow mappings are not supported')
    this.blockMapping(entries)
  }

  private blockMapping(entries: Array<[string, PyYamlValue]>): void {
    this.increaseIndent(false)
    for (const [key, value] of entries) {
      this.writeIndent()
      const chars = Array.from(key)
      const a = analyze(chars)
      if (chars.length >= 128 || a.empty || a.multiline)
        throw new Error(`pyyamlDump: key '${key}' would not be a simple key`)
      this.scalar(key, true)
      this.writeIndicator(':', false)
      this.node(value)
    }
    this.popIndent()
  }

  private flowSequence(items: string[]): void {
    this.writeIndicator('[', true, true)
    this.flowLevel++
    this.increaseIndent(true)
    items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(',', false)
      if (this.column > BEST_WIDTH) this.writeIndent()
      this.scalar(item, false)
    })
    this.popIndent()
    this.flowLevel--
    this.writeIndicator(']', false)
  }

  private scalar(text: string, simpleKey: boolean): void {
    const chars = Array.from(text)
    if (text.includes('\n')) throw new Error('pyyamlDump: strings with line breaks are not supported')
    const a = analyze(chars)
    const split = !simpleKey
    const plainOk = this.flowLevel > 0 ? a.flowPlain : a.blockPlain
    // a scalar's own continuation lines sit one indent deeper
    this.increaseIndent(true)
    if (readsBackAsString(text) && !(simpleKey && (a.empty || a.multiline)) && plainOk) this.plain(chars, split)
    else if (a.singleQuoted && !(simpleKey && a.multiline)) this.singleQuoted(chars, split)
    else this.doubleQuoted(chars, split)
    this.popIndent()
  }

  private plain(chars: string[], split: boolean): void {
    if (chars.length === 0) return
    if (!this.whitespace) this.write(' ')
    this.whitespace = false
    this.indention = false
    let spaces = false
    let start = 0
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : undefined
      if (spaces) {
        if (ch !== ' ') {
          // a single space past the width becomes a line break
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent()
            this.whitespace = false
            this.indention = false
          } else {
            this.write(chars.slice(start, end).join(''))
          }
          start = end
        }
      } else if (ch === undefined || ch === ' ') {
        this.write(chars.slice(start, end).join(''))
        start = end
      }
      if (ch !== undefined) spaces = ch === ' '
    }
  }

  private singleQuoted(chars: string[], split: boolean): void {
    this.writeIndicator("'", true)
    let spaces = false
    let start = 0
    const n = chars.length
    for (let end = 0; end <= n; end++) {
      const ch = end < n ? chars[end]! : undefined
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== n) this.writeIndent()
          else this.write(chars.slice(start, end).join(''))
          start = end
        }
      } else if (ch === undefined || ch === ' ' || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''))
          start = end
        }
      }
      if (ch === "'") {
        this.write("''")
        start = end + 1
      }
      if (ch !== undefined) spaces = ch === ' '
    }
    this.writeIndicator("'", false)
  }

  private doubleQuoted(chars: string[], split: boolean): void {
    this.writeIndicator('"', true)
    const n = chars.length
    let start = 0
    for (let end = 0; end <= n; end++) {
      const ch = end < n ? chars[end]! : undefined
      if (ch === undefined || '"\\\x85\u2028\u2029\ufeff'.includes(ch) || !isPrintableAscii(ch)) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''))
          start = end
        }
        if (ch !== undefined) {
          this.write(escapeChar(ch))
          start = end + 1
        }
      }
      // a long line breaks after a space or an escape, with a trailing backslash
      if (end > 0 && end < n - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        this.write(chars.slice(start, end).join('') + '\\')
        if (start < end) start = end
        this.writeIndent()
        this.whitespace = false
        this.indention = false
        if (chars[start] === ' ') this.write('\\')
      }
    }
    this.writeIndicator('"', false)
  }
}

/** The text `yaml.dump(value, default_flow_style=None, sort_keys=False)` returns. */
export function pyyamlDump(value: PyYamlValue): string {
  if (typeof value === 'string') throw new Error('pyyamlDump: a bare string document is not supported')
  const e = new Emitter()
  e.node(value)
  e.writeIndent() // document end: a final line break
  return e.out
}
