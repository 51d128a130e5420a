import { parse } from 'yaml'
import { UserError } from '../errors.js'
import { readTextFile } from './text-file.js'

/** Parses a YAML file; syntax errors are user errors with the parser's first line. */
export function readYamlFile(path: string): unknown {
  const text = readTextFile(path, 'YAML')
  try {
    return parse(text)
  } catch (err) {
    throw new UserError(`${path}: not valid YAML (${(err as Error).message.split('\n')[0]})`)
  }
}
