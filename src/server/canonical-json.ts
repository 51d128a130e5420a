/** RFC 8785 canonical JSON (sorted keys, no whitespace, shortest numbers): what is signed and hashed. */
import canonicalize from 'canonicalize'

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value)
  if (text === undefined) throw new Error('canonicalJson: value has no JSON form')
  return text
}
