/**
 * Where `?next=` may send a visitor after logging in: a path on this server, never another host.
 * The value is resolved with the URL parser against the server's own origin, as a browser would
 * resolve a Location header (so `/\evil.example`, `/%09/evil.example` after decoding, `//evil`
 * and `https:evil` all resolve elsewhere), and kept only when the origin is unchanged; a path that
 * starts with two slashes after normalisation (`/.//evil`) would read as another host, so it goes
 * home too.
 */
export function sameOriginPath(next: string | undefined, origin: string): string {
  if (!next) return '/'
  let url: URL
  try {
    url = new URL(next, origin)
  } catch {
    return '/'
  }
  if (url.origin !== new URL(origin).origin || url.pathname.startsWith('//')) return '/'
  return url.pathname + url.search + url.hash
}
