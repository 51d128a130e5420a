/**
 * Real full and read-only file systems for tests. As root (CI runs as root), a small tmpfs is
 * mounted on a fresh folder: full once filled, or mounted read-only (root writes through chmod).
 * As another user, a read-only folder is a chmod 555 one, and a full disk cannot be made: the
 * helper returns why, for the test's skip; with CI=true it throws instead, so CI never skips them.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface LimitedDir {
  dir: string
  /** unmounts (or restores the mode) and removes the folder */
  release(): void
}

const isRoot = process.getuid?.() === 0

/** Why no such folder can be made here, for the test's skip; under CI=true (root, tmpfs allowed) that is a failure instead. */
function cannot(reason: string): string {
  if (process.env['CI'] === 'true')
    throw new Error(`${reason}: CI runs these tests as root with tmpfs mounts allowed; they must not be skipped there`)
  return reason
}

function mount(options: string): LimitedDir | string {
  const dir = mkdtempSync(join(tmpdir(), 'dataperf-limited-'))
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'dataperf-test', dir], { encoding: 'utf8' })
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    return cannot(`cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})`)
  }
  return {
    dir,
    release() {
      spawnSync('umount', [dir])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** An empty folder that cannot be written to, or why none can be made here. */
export function readOnlyDir(): LimitedDir | string {
  if (isRoot) return mount('ro,size=64k')
  const dir = mkdtempSync(join(tmpdir(), 'dataperf-readonly-'))
  chmodSync(dir, 0o555)
  return {
    dir,
    release() {
      chmodSync(dir, 0o755)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A folder on a file system with no space left but `freeBytes` (about: tmpfs counts whole pages),
 * or why none can be made here (it needs root).
 */
export function fullDiskDir(freeBytes = 0): LimitedDir | string {
  if (!isRoot) return cannot('a full file system needs root to mount a tmpfs (CI runs as root)')
  const got = mount('size=256k')
  if (typeof got === 'string') return got
  // fill it: one filler file grown until the device refuses, then trimmed by freeBytes
  const filler = join(got.dir, '.filler')
  const fd = openSync(filler, 'w')
  const chunk = Buffer.alloc(4096, 1)
  let size = 0
  try {
    for (;;) size += writeSync(fd, chunk)
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd)
  }
  if (freeBytes > 0) spawnSync('truncate', ['-s', String(Math.max(0, size - freeBytes)), filler])
  return got
}
