import type { NextFunction, Request, Response } from 'express'

/**
 * The client address of a request that Express hands on to Next (the Payload
 * admin, REST and GraphQL), where the per-address login and forgot-password
 * limits read it. Express knows the address (its socket, or X-Forwarded-For
 * as far as TRUST_PROXY allows); Next's route handlers do not, and a client
 * could send any X-Forwarded-For it likes. So Express always sets this header
 * itself, replacing whatever the client sent under that name.
 */
export const CLIENT_ADDRESS_HEADER = 'x-street-news-client-address'

export function passClientAddress(req: Request, _res: Response, next: NextFunction) {
  const address = req.ip ?? req.socket.remoteAddress
  if (address) req.headers[CLIENT_ADDRESS_HEADER] = address
  else delete req.headers[CLIENT_ADDRESS_HEADER]
  next()
}

/** The address Express passed on, or null (the Local API, or a request that did not come through Express). */
export function clientAddressOf(req: { headers?: Headers | null }): string | null {
  return req.headers?.get(CLIENT_ADDRESS_HEADER)?.trim() || null
}
