// Build step after tsc: assembles every src/**/*.wat into dist/src/**/*.wasm with wabt
// (SIMD enabled), next to the compiled JavaScript that loads it.
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import initWabt from 'wabt'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const wabt = await initWabt()
for (const entry of readdirSync(join(root, 'src'), { recursive: true })) {
  if (!entry.endsWith('.wat')) continue
  const source = join(root, 'src', entry)
  const mod = wabt.parseWat(source, readFileSync(source, 'utf8'), { simd: true })
  mod.validate()
  const out = join(root, 'dist', 'src', entry.replace(/\.wat$/, '.wasm'))
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, mod.toBinary({}).buffer)
  mod.destroy()
  console.log(`wasm: ${relative(root, source)} -> ${relative(root, out)}`)
}
