/**
 * YAML as the official tools read it: PyYAML's safe_load, which follows YAML 1.1. The `yaml`
 * package's 1.1 schema is close but not the same, so its scalar rules are set to PyYAML's
 * resolvers: booleans are yes/no/true/false/on/off in three spellings (not y/n), decimal
 * integers have no leading zero ("09" stays a string), floats need a dot and a signed exponent
 * ("1e3" stays a string), and dates stay strings (PyYAML makes dates of them; nothing we read
 * wants one, and a string names the value in an error).
 */
import { parse, type ScalarTag, type Tags } from 'yaml'
import { UserError } from '../errors.js'
import { readTextFile } from './text-file.js'

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
  return parse(text, { version: '1.1', customTags: pyyamlTags, merge: true, uniqueKeys: false })
}

/** Parses a YAML file; syntax errors are user errors with the parser's first line. */
export function readYamlFile(path: string): unknown {
  const text = readTextFile(path, 'YAML')
  try {
    return parseYaml(text)
  } catch (err) {
    throw new UserError(`${path}: not valid YAML (${(err as Error).message.split('\n')[0]})`)
  }
}
