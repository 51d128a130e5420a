/**
 * MSWC clip IDs as the official create_experiment.py derives them with pathlib: the embeddings
 * name a clip `word/common_voice_xx_N.wav` where the metadata and splits list `.opus` files.
 */

/** PurePosixPath(p).parts joined back: repeated slashes and '.' parts dropped. */
function normalize(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.')
}

/** PurePosixPath(name).stem: the name without its last suffix (a leading or trailing dot is no suffix). */
function stem(name: string): string {
  const i = name.lastIndexOf('.')
  return i > 0 && i < name.length - 1 ? name.slice(0, i) : name
}

/** str(Path(link).parent / (Path(link).stem + ".wav")): the splits CSV's LINK as an embedding clip ID. */
export function wavClipId(link: string): string {
  const parts = normalize(link)
  const name = parts.pop() ?? ''
  const absolute = link.startsWith('/') ? '/' : ''
  return absolute + [...parts, `${stem(name)}.wav`].join('/')
}

/** str(Path(word) / (Path(opus).stem + ".wav")): a metadata file name as a nontarget clip ID under `word`. */
export function nontargetClipId(word: string, opusPath: string): string {
  const name = normalize(opusPath).pop() ?? ''
  return [...normalize(word), `${stem(name)}.wav`].join('/')
}
