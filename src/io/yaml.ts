/**
 * YAML as the official tools read it: PyYAML's safe_load, which follows YAML 1.1. The `yaml`
 * package's 1.1 schema is close but not the same, so its scalar rules are set to PyYAML's
 * resolvers: booleans are yes/no/true/false/on/off in three spellings (not y/n), decimal
 * integers have no leading zero ("09" stays a string), floats need a dot and a signed exponent
 * ("1e3" stays a string), and dates stay strings (PyYAML makes dates of them; nothing we read
 * wants one, and a string names the value in an error).
 *
 * Files read are remembered by their exact text (yaml/ in the cache folder): loading the yaml
 * package (73 CommonJS modules) costs a command 60-70 ms, more than all it then does with a
 * one-page setup file, so a text parsed before is answered from the cache and the package is
 * loaded only for a text not seen yet (and for parseYaml).
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type * as Yaml from 'yaml'
import type { ScalarTag, Tags } from 'yaml'
import { UserError } from '../errors.js'
import { writeFileAtomic } from './atomic-write.js'
import { cacheDir } from './cache-dir.js'
import { readTextFile } from './text-file.js'

const require = createRequire(import.meta.url)
let yamlPackage: typeof Yaml | undefined
/** The yaml package, loaded on first use. */
function yaml(): typeof Yaml {
  yamlPackage ??= require('yaml') as typeof Yaml
  return yamlPackage
}

const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/
const PYYAML_DECIMAL = /^[-+]?(?:0|[1-9][0-9_]*)$/
const PYYAML_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)$/
const PYYAML_SEXAGESIMAL_INT = /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/

function pyyamlTags(tags: Tags): Tags {
  const out: Tags = []
  for (const tag of tags) {
    const t = tag as ScalarTag
    const test = t.test?.source
    if (t.tag === 'tag:yaml.org,2002:timestamp') continue
    if (t.tag === 'tag:yaml.org,2002:bool') out.push({ ...t, test: t.test?.test('true') ? PYYAML_TRUE : PYYAML_FALSE })
    else if (t.tag === 'tag:yaml.org,2002:int' && test === '^[-+]?[0-9][0-9_]*$')
      out.push({ ...t, test: PYYAML_DECIMAL })
    else if (t.tag === 'tag:yaml.org,2002:int' && t.format === 'TIME') out.push({ ...t, test: PYYAML_SEXAGESIMAL_INT })
    else if (t.tag === 'tag:yaml.org,2002:float' && t.format === 'EXP')
      continue // covered by PYYAML_FLOAT
    else if (t.tag === 'tag:yaml.org,2002:float' && test === '^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$')
      out.push({ ...t, test: PYYAML_FLOAT })
    else out.push(tag)
  }
  return out
}

/** Parses YAML text as PyYAML's safe_load would (see above); throws the parser's error. */
export function parseYaml(text: string): unknown {
  return yaml().parse(text, { version: '1.1', customTags: pyyamlTags, merge: true, uniqueKeys: false })
}

/** Parses a YAML file; syntax errors are user errors with the parser's first line. */
export function readYamlFile(path: string): unknown {
  const text = readTextFile(path, 'YAML')
  try {
    return parseYamlCached(text)
  } catch (err) {
    throw new UserError(`${path}: not valid YAML (${(err as Error).message.split('\n')[0]})`)
  }
}

const PARSE_CACHE_ENTRIES = 64
const CACHE_ENTRY = /^[0-9a-f]{64}\.json$/

let fingerprint: string | undefined
/** What a parse depends on besides the text: the yaml package's version and the rules above. */
function parserFingerprint(): string {
  const { version } = JSON.parse(readYamlPackageJson()) as { version: string }
  const rules = [PYYAML_TRUE, PYYAML_FALSE, PYYAML_DECIMAL, PYYAML_FLOAT, PYYAML_SEXAGESIMAL_INT].map((r) => r.source)
  return [version, ...rules, pyyamlTags.toString(), parseYaml.toString()].join('\0')
}

/**
 * The yaml package's package.json: first where it lies in this repository's own node_modules
 * (beside dist/), else where module resolution finds it (which costs a cold process ~5 ms).
 */
function readYamlPackageJson(): string {
  try {
    const text = readFileSync(new URL('../../../node_modules/yaml/package.json', import.meta.url), 'utf8')
    if ((JSON.parse(text) as { name?: unknown }).name === 'yaml') return text
  } catch {
    /* installed elsewhere (hoisted): resolve it */
  }
  return readFileSync(require.resolve('yaml/package.json'), 'utf8')
}

/**
 * parseYaml, answered from the cache when this text (with this parser) was parsed before: one
 * file per text, yaml/<sha256>.json in the cache folder, so a hit reads only its own value; at
 * most PARSE_CACHE_ENTRIES files, the oldest removed first. Only values JSON holds exactly are
 * cached (plain maps, lists, strings, booleans, null, finite numbers other than -0); a cache that
 * cannot be read or written only costs the parse.
 */
function parseYamlCached(text: string): unknown {
  fingerprint ??= parserFingerprint()
  const dir = join(cacheDir(), 'yaml')
  const file = join(dir, `${createHash('sha256').update(fingerprint).update('\0').update(text).digest('hex')}.json`)
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    /* not cached yet (or unreadable): parse */
  }
  const value = parseYaml(text)
  if (jsonExact(value)) {
    try {
      writeFileAtomic(file, JSON.stringify(value))
      const entries = readdirSync(dir).filter((name) => CACHE_ENTRY.test(name))
      if (entries.length > PARSE_CACHE_ENTRIES) {
        const byAge = entries
          .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
          .sort((a, b) => a.mtime - b.mtime)
        for (const { name } of byAge.slice(0, entries.length - PARSE_CACHE_ENTRIES))
          rmSync(join(dir, name), { force: true })
      }
    } catch {
      /* a cache we cannot write only costs time */
    }
  }
  return value
}

/** Whether JSON.parse(JSON.stringify(v)) gives back exactly v. */
function jsonExact(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0)
  if (Array.isArray(v)) return v.every(jsonExact)
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false
  return Object.entries(v).every(([k, x]) => k !== '__proto__' && jsonExact(x))
}
