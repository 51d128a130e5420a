/**
 * The server writes a signed checkpoint of the audit log's head (audit/checkpoints.ts) whenever the
 * head has moved: soon after each change this process makes, every few seconds for the changes of
 * `dataperf worker` processes and commands on the same database, and when it stops. A head that
 * went BACK (entries cut from the end) is never signed over: the server says so in its log, and
 * audit-verify reports it.
 */
import type { KeyObject } from 'node:crypto'
import { appendCheckpoint, readCheckpoints, signCheckpoint, type Checkpoint } from '../audit/checkpoints.js'
import { auditHead } from './audit.js'
import { iso, type ServerContext } from './context.js'

const SETTLE_MS = 300
const POLL_MS = 5000

export interface Checkpointing {
  /** writes a checkpoint now if the head moved (tests, shutdown) */
  flush(): Promise<void>
  stop(): Promise<void>
}

export function startCheckpointing(
  ctx: ServerContext,
  options: { file: string; publicKeyPem: string; privateKey: KeyObject; log: (line: string) => void },
): Checkpointing {
  const existing = readCheckpoints(options.file, options.publicKeyPem)
  let last: Checkpoint | undefined = existing.checkpoints.reduce<Checkpoint | undefined>(
    (a, c) => (!a || c.seq > a.seq ? c : a),
    undefined,
  )
  let warned = false
  let running: Promise<void> = Promise.resolve()

  const check = async () => {
    const head = await auditHead(ctx)
    if (last && (head.seq < last.seq || (head.seq === last.seq && head.hash !== last.hash))) {
      if (!warned)
        options.log(
          `dataperf server: the audit log's head (entry ${head.seq}) is not the one checkpointed at ${last.at} (entry ${last.seq}): entries were removed or changed; run dataperf serve audit-verify`,
        )
      warned = true
      return
    }
    if (head.seq === 0 || head.seq === last?.seq) return
    const checkpoint = signCheckpoint(head, iso(ctx.now()), options.privateKey)
    appendCheckpoint(options.file, checkpoint)
    last = checkpoint
  }
  // one check at a time, in order
  const flush = () => {
    running = running
      .then(check)
      .catch((err: Error) => options.log(`dataperf server: audit checkpoint: ${err.message}`))
    return running
  }

  let pending: ReturnType<typeof setTimeout> | undefined
  const soon = () => {
    if (pending) return
    pending = setTimeout(() => {
      pending = undefined
      void flush()
    }, SETTLE_MS)
  }
  ctx.events.on('job', soon)
  ctx.events.on('boards', soon)
  const poll = setInterval(() => void flush(), POLL_MS)
  void flush()
  return {
    flush,
    async stop() {
      clearInterval(poll)
      clearTimeout(pending)
      ctx.events.off('job', soon)
      ctx.events.off('boards', soon)
      await flush()
    },
  }
}
