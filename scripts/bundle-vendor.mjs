// Replaces the compiled re-exports in dist/src/vendor/ (src/vendor/*.ts: `export * from 'kysely'`, ...)
// with one bundled file each, from the same source: a package of hundreds of small ES modules
// costs ~1 ms of CPU per module to load on every process start; one file costs a few ms.
// Run by `npm run build` after tsc; the types (.d.ts) stay tsc's.
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const src = 'src/vendor'
const out = 'dist/src/vendor'
const entries = readdirSync(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
await build({
  entryPoints: entries.map((f) => join(src, f)),
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS packages in an ES module bundle (fastify's) require Node's modules: give them a require
  banner: {
    js: "import { createRequire as __vendorRequire } from 'node:module'; const require = __vendorRequire(import.meta.url);",
  },
  // fastify loads pino only when its logger is on (the server logs itself); pino starts its transports
  // from its own files, so it stays a package, required from node_modules if ever
  external: ['pino'],
  logLevel: 'warning',
})
// tsc's source maps describe the re-export, not the bundle
for (const f of entries) rmSync(join(out, f.replace(/\.ts$/, '.js.map')), { force: true })
console.log(`vendor: ${entries.map((f) => f.replace(/\.ts$/, '')).join(', ')} bundled into ${out}`)
