/**
 * The package as others install it: dependency pins the code relies on, the Node version it
 * needs, and `import ... from 'dataperf'` from a separate project.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as zlib from 'node:zlib'

const root = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>; devDependencies: Record<string, string>
  peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; engines: { node: string }
}

test('hyparquet is pinned exactly: io/parquet/reader.ts imports its internal modules (hyparquet/src/...)', () => {
  const reader = readFileSync(join(root, 'src/io/parquet/reader.ts'), 'utf8')
  assert.match(reader, /from 'hyparquet\/src\//) // if this stops holding, the pin may go
  const range = pkg.dependencies['hyparquet']
  assert.match(range ?? '', /^\d+\.\d+\.\d+$/, `hyparquet must be an exact version, found ${range}`)
  const installed = JSON.parse(readFileSync(join(root, 'node_modules/hyparquet/package.json'), 'utf8')) as { version: string }
  assert.equal(installed.version, range)
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> }
  assert.equal(lock.packages['node_modules/hyparquet']?.version, range)
})

test('engines names the Node the code needs (zlib.crc32 arrived in 20.15)', () => {
  assert.equal(pkg.engines.node, '>=20.15')
  assert.equal(typeof (zlib as { crc32?: unknown }).crc32, 'function')
})

test('tsx is an optional peer (loaded only for a .ts selection module), and a dev dependency for our tests', () => {
  assert.equal(pkg.dependencies['tsx'], undefined)
  assert.ok(pkg.peerDependencies?.['tsx'])
  assert.equal(pkg.peerDependenciesMeta?.['tsx']?.optional, true)
  assert.ok(pkg.devDependencies['tsx'])
})
