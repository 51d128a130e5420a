/**
 * Snappy decoding of embedding pages: hysnappy (WebAssembly, what io/parquet/reader.ts uses for
 * snappy files) against hyparquet's own JavaScript decoder (what it used before), on the same
 * pages in the same process, alternating which goes first. The pages: a generated speech
 * language's train embeddings (the track whose files are snappy), cut into 1 MiB pages and
 * compressed by hyparquet-writer's encoder, as our generator writes them.
 * Environment: BENCH_SNAPPY_ROUNDS (default 15).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { snappyUncompress as jsUncompress } from 'hyparquet/src/snappy.js'
import { snappyCompress } from 'hyparquet-writer/src/snappy.js'
import { snappyUncompressor } from 'hysnappy'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { EMBEDDING_COLUMN, SPEECH_LAYOUT } from '../src/speech/layout.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { tempFolder } from '../test/helpers/temp-folder.js'
import { loadLine, median, printJsonLast } from './report.js'

const ROUNDS = Number(process.env['BENCH_SNAPPY_ROUNDS'] ?? 15)
const PAGE = 1 << 20

const out = tempFolder('bench-snappy')
generateSpeechBenchmark({ out, seed: 0, languages: ['en'], scale: 0.5 })
const dir = join(out, SPEECH_LAYOUT.languageDir('en'), SPEECH_LAYOUT.trainEmbeddings)
const parts: Uint8Array[] = []
for (const name of readdirSync(dir).sort()) {
  const file = await ParquetFile.open(join(dir, name))
  const { data } = await file.readVectors(EMBEDDING_COLUMN)
  await file.close()
  parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
}
const all = Buffer.concat(parts)
const pages: Array<{ raw: Uint8Array; packed: Uint8Array }> = []
for (let at = 0; at < all.length; at += PAGE) {
  const raw = all.subarray(at, Math.min(all.length, at + PAGE))
  pages.push({ raw, packed: snappyCompress(raw) })
}
const packedBytes = pages.reduce((s, p) => s + p.packed.length, 0)

const decoders = {
  js: (p: Uint8Array, n: number) => {
    const o = new Uint8Array(n)
    jsUncompress(p, o)
    return o
  },
  wasm: snappyUncompressor(),
}
// both decode every page to its original bytes
for (const [name, decode] of Object.entries(decoders))
  for (const { raw, packed } of pages)
    if (!Buffer.from(decode(packed, raw.length)).equals(raw)) throw new Error(`${name}: a page decodes wrong`)

const ms: Record<string, number[]> = { js: [], wasm: [] }
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? (['js', 'wasm'] as const) : (['wasm', 'js'] as const)
  for (const name of order) {
    const t = performance.now()
    for (const { raw, packed } of pages) decoders[name](packed, raw.length)
    ms[name]!.push(performance.now() - t)
  }
}
const js = median(ms['js']!)
const w = median(ms['wasm']!)
const mb = all.length / 2 ** 20
console.log(
  `snappy decoding, ${pages.length} pages of 1 MiB (${mb.toFixed(0)} MiB, ${(packedBytes / 2 ** 20).toFixed(0)} MiB packed), medians of ${ROUNDS} rounds; ${loadLine()}`,
)
console.log(
  `  hyparquet's JavaScript decoder  ${js.toFixed(1).padStart(7)} ms  ${(mb / (js / 1000)).toFixed(0).padStart(5)} MiB/s   (baseline)`,
)
console.log(
  `  hysnappy (WebAssembly)          ${w.toFixed(1).padStart(7)} ms  ${(mb / (w / 1000)).toFixed(0).padStart(5)} MiB/s   ${(js / w).toFixed(2)}x`,
)
printJsonLast({ snappy_js_ms: js, snappy_wasm_ms: w, snappy_wasm_speedup: js / w })
