/**
 * Answers the requests Node's HTTP parser refuses before any route sees them (headers or URL
 * too large, malformed requests, timeouts) with a JSON body like every other error, instead of
 * Node's default empty one.
 */
import type { Server } from "node:http"
import type { Duplex } from "node:stream"

const refusals: Readonly<Record<string, readonly [number, string, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large", "RequestTooLarge", "the request line and headers are over the server's size limit (16 KB by default); send fewer or shorter keys"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout", "RequestTimeout", "the request did not arrive in time"]
}
const malformed = [400, "Bad Request", "BadRequest", "the request is not valid HTTP"] as const

/**
 * Installs the `clientError` listener on a Node HTTP server.
 *
 * @example
 * NodeHttpServer.layer(() => answerClientErrors(createServer()), { port: 0 })
 */
export const answerClientErrors = (server: Server): Server =>
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy()
      return
    }
    const [status, reason, tag, message] = refusals[error.code ?? ""] ?? malformed
    const body = JSON.stringify({ _tag: tag, message })
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`
    )
  })
