// The pages' two static files, read once from next to the compiled code and served from memory with
// a content hash as ETag: the stylesheet (copied by scripts/copy-assets.mjs) and the client script
// (compiled by tsc from client/app.ts).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ASSET_PATHS } from './layout.js'

export interface Asset {
  body: Buffer
  contentType: string
  etag: string
}

function load(url: URL, contentType: string): Asset {
  const body = readFileSync(url)
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }
}

/** URL path -> asset. Throws if the build did not produce them (run `npm run build`). */
export function loadAssets(): Map<string, Asset> {
  return new Map([
    [ASSET_PATHS.css, load(new URL('./assets/site.css', import.meta.url), 'text/css; charset=utf-8')],
    [ASSET_PATHS.js, load(new URL('./client/app.js', import.meta.url), 'text/javascript; charset=utf-8')],
  ])
}
