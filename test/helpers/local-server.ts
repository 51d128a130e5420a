/** An HTTP server on 127.0.0.1 (a free port) for download tests; nothing leaves the machine. */
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface LocalServer {
  /** http://127.0.0.1:PORT */
  base: string
  /** drops open connections (stalled test responses included) and stops listening */
  close: () => void
}

export async function startLocalServer(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections()
      server.close()
    },
  }
}
