// Build step after tsc: copies the web pages' static files (src/**/assets/*) into dist/src, next to
// the compiled JavaScript that serves them (the package ships dist/src only).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
for (const entry of readdirSync(join(root, 'src'), { recursive: true })) {
  if (!entry.split(sep).includes('assets') || !/\.(css|svg|ico|txt)$/.test(entry)) continue
  const out = join(root, 'dist', 'src', entry)
  mkdirSync(dirname(out), { recursive: true })
  copyFileSync(join(root, 'src', entry), out)
}
