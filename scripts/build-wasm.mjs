// Build step after tsc: assembles every src/**/*.wat into dist/src/**/*.wasm with wabt
// (SIMD enabled), next to the compiled JavaScript that loads it.
// A function between `;; @template A=f64:NAME A=f32:NAME2` and `;; @end-template` is written once
// and emitted once per variant (WebAssembly text has no generics): @NAME becomes the variant's name,
// (A.load X) its load of an element of A as float64, A.bytes and A.shift the element's size and log2.
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import initWabt from 'wabt'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const wabt = await initWabt()
for (const entry of readdirSync(join(root, 'src'), { recursive: true })) {
  if (!entry.endsWith('.wat')) continue
  const source = join(root, 'src', entry)
  const mod = wabt.parseWat(source, expandTemplates(readFileSync(source, 'utf8')), { simd: true })
  mod.validate()
  const out = join(root, 'dist', 'src', entry.replace(/\.wat$/, '.wasm'))
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, mod.toBinary({}).buffer)
  mod.destroy()
  console.log(`wasm: ${relative(root, source)} -> ${relative(root, out)}`)
}

/** The text with each @template block replaced by its variants (see the top of this file). */
function expandTemplates(text) {
  return text.replace(/^[ \t]*;; @template (.*)\n([\s\S]*?)^[ \t]*;; @end-template\n/gm, (_, spec, body) =>
    spec
      .trim()
      .split(/\s+/)
      .map((variant) => {
        const m = /^A=(f64|f32):(\w+)$/.exec(variant)
        if (!m) throw new Error(`build-wasm: bad template variant ${variant}`)
        const [, elem, name] = m
        const out = body
          .replaceAll('@NAME', name)
          .replaceAll('A.bytes', elem === 'f64' ? '8' : '4')
          .replaceAll('A.shift', elem === 'f64' ? '3' : '2')
        return elem === 'f64' ? out.replaceAll('(A.load ', '(f64.load ') : widenLoads(out)
      })
      .join('\n'),
  )
}

/** (A.load X) -> (f64.promote_f32 (f32.load X)): the closing parenthesis found by counting. */
function widenLoads(text) {
  let out = ''
  let at = 0
  for (let i = text.indexOf('(A.load ', at); i >= 0; i = text.indexOf('(A.load ', at)) {
    let depth = 0
    let j = i
    for (; j < text.length; j++) {
      if (text[j] === '(') depth++
      else if (text[j] === ')' && --depth === 0) break
    }
    out += `${text.slice(at, i)}(f64.promote_f32 (f32.load ${text.slice(i + '(A.load '.length, j)}))`
    at = j + 1
  }
  return out + text.slice(at)
}
