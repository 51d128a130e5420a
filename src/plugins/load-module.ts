/**
 * Imports a user's plugin module (a selection algorithm of either track) from a .ts/.js/.mjs path:
 * TypeScript through tsx when installed, so no rebuild. A module that fails to load is the user's
 * mistake: one line naming the file.
 */
import { pathToFileURL } from 'node:url'
import { UserError } from '../errors.js'

/** A path that names a plugin module rather than a built-in. */
export const PLUGIN_PATH = /\.(ts|mts|js|mjs)$/

/**
 * tsx (12 MB with esbuild) runs a TypeScript module without a build step. It is an optional peer
 * dependency: loaded only for a .ts module, and a clear message when absent.
 */
async function loadTsx(path: string, what: string): Promise<typeof import('tsx/esm/api')> {
  try {
    return await import('tsx/esm/api')
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new UserError(
      `${path}: a TypeScript ${what} needs tsx: run \`npm install tsx\` beside dataperf, or compile the module to .js`,
    )
  }
}

/** The exports of the module at `path` (an absolute path that exists); `what` names it in errors ("selection module"). */
export async function importPluginModule(path: string, what: string): Promise<Record<string, unknown>> {
  try {
    if (/\.m?ts$/.test(path)) {
      const { tsImport } = await loadTsx(path, what)
      return (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>
    }
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>
  } catch (err) {
    if (err instanceof UserError) throw err
    const first = String((err as Error)?.message ?? err).split('\n')[0]
    throw new UserError(`${path}: cannot load the ${what} (${first})`)
  }
}
