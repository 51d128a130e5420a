/**
 * Google Drive links cannot be fetched by a script: a folder link is a web page, and a large file
 * behind a file link sits behind a "cannot scan for viruses" confirmation page. The official tools
 * used gdown for them; we say what to do instead, in one line.
 */

const DRIVE_HOST = /^https?:\/\/(drive|docs|drive\.usercontent)\.google\.com\//i

export function isGoogleDriveUrl(url: string): boolean {
  return DRIVE_HOST.test(url)
}

/**
 * The one-line advice for a Drive link. `zipCommand` lays out a zip downloaded by hand (e.g.
 * `dataperf download vision --zip FILE`); `direct` says where a direct URL would go instead.
 */
export function googleDriveMessage(url: string, zipCommand: string, direct: string): string {
  const what = /\/folders\//.test(url) ? 'a Google Drive link to a folder' : 'a Google Drive link'
  return (
    `${url} is ${what}, which a script cannot download: open it in a browser, download the zip, ` +
    `then run \`${zipCommand}\` with that file, or give a direct download URL (${direct})`
  )
}
