/**
 * `dataperf download vision --open-images-labels`: Open Images V6's public human-verified image
 * labels (the file the vision winner's code reads), fetched with the same resumable, retried,
 * verified download as the resources, into the data folder's metadata/ under its official name,
 * where `vision select` finds it.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { VISION_LAYOUT } from '../vision/layout.js'
import { UserError } from '../errors.js'
import { ensureWritableDir, type JobOptions } from './resources.js'
import { downloadFile, verifyFile } from './http-download.js'
import { OPEN_IMAGES_LABELS_PREFIX, OPEN_IMAGES_LABELS_URL } from './urls.js'
import { checksFor, resourceFor, type Parameters, type Resource } from './parameters.js'

/** Downloads the labels to `output/metadata/oidv6-...csv` (kept when already there, unless force); returns the path. */
export async function fetchOpenImagesLabels(
  url: string | undefined,
  params: Parameters,
  output: string,
  options: JobOptions = {},
): Promise<string> {
  const dest = join(output, VISION_LAYOUT.openImagesHumanLabels)
  // --url, else the parameters file's open_images_labels_url, else Open Images' own address
  const direct = url ?? (params[`${OPEN_IMAGES_LABELS_PREFIX}_url`] === undefined ? OPEN_IMAGES_LABELS_URL : undefined)
  const resource: Resource =
    direct !== undefined
      ? { url: direct, ...checksFor(params, OPEN_IMAGES_LABELS_PREFIX) }
      : resourceFor(params, OPEN_IMAGES_LABELS_PREFIX)
  if (!/^https?:\/\//i.test(resource.url))
    throw new UserError(`--url: expected an http:// or https:// URL, got '${resource.url}'`)
  if (!options.force && existsSync(dest)) {
    await verifyFile(dest, resource)
    options.log?.(`${dest}: already in place (--force downloads it again)`)
    return dest
  }
  ensureWritableDir(output)
  mkdirSync(dirname(dest), { recursive: true })
  await downloadFile(resource, dest, options)
  return dest
}
