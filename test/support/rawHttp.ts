import http from 'node:http'

/** A real server's answer: its status, its body as text, and the body as JSON when it is JSON (else null). */
export type RawAnswer = { status: number; text: string; json: any }

/**
 * One request to a real server with the body exactly as given, so that it can
 * be wrong: by Content-Length, or in 16 KB chunks (Transfer-Encoding: chunked,
 * no length). `fetch` would mend or refuse some of what these tests send.
 */
export function rawRequest(url: URL, { method = 'POST', headers = {}, body = Buffer.alloc(0), chunked = false }: { method?: string; headers?: Record<string, string | number>; body?: Buffer; chunked?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sized = { ...headers, ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': body.length }) }
    const req = http.request(url, { method, headers: sized }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => resolve(rawAnswer(res.statusCode ?? 0, Buffer.concat(parts).toString('utf8'))))
    })
    req.on('error', reject)
    if (!chunked) return void req.end(body)
    for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024))
    req.end()
  })
}

export function rawAnswer(status: number, text: string): RawAnswer {
  let json: any = null
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status, text, json }
}
