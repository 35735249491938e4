import https from 'node:https'
import net from 'node:net'

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { addressProblem, checkUrl, guardedLookup, originsFrom, type Resolver } from '../../src/lib/outbound'

/**
 * The outbound guard (src/lib/outbound.ts), without Payload: which addresses
 * count as public, what a URL must look like, and that a guarded connection
 * never reaches a refused address, even when DNS changes its answer.
 */

/** A TCP server on 127.0.0.1 that only counts the connections it gets. */
let counter: net.Server
let connections = 0
let port = 0
beforeAll(async () => {
  counter = net.createServer((s) => {
    connections++
    s.destroy()
  })
  await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', () => resolve()))
  port = (counter.address() as net.AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => counter.close(() => resolve())))
beforeEach(() => {
  connections = 0
})

/** Address → refused (a reason) or public (null). */
const ADDRESSES: [string, boolean][] = [
  // IPv4
  ['127.0.0.1', false],
  ['127.255.255.254', false],
  ['0.0.0.0', false],
  ['0.1.2.3', false],
  ['10.0.0.1', false],
  ['172.16.0.1', false],
  ['172.31.255.255', false],
  ['192.168.1.1', false],
  ['169.254.169.254', false], // cloud metadata
  ['100.64.0.1', false], // CGNAT
  ['100.127.255.255', false],
  ['192.0.0.8', false],
  ['192.0.2.1', false],
  ['198.18.0.1', false],
  ['198.51.100.7', false],
  ['203.0.113.9', false],
  ['224.0.0.1', false],
  ['239.255.255.250', false],
  ['240.0.0.1', false],
  ['255.255.255.255', false],
  ['8.8.8.8', true],
  ['1.1.1.1', true],
  ['100.63.255.255', true],
  ['100.128.0.1', true],
  ['172.15.255.255', true],
  ['172.32.0.1', true],
  ['192.169.0.1', true],
  ['223.5.5.5', true],
  // IPv6
  ['::1', false],
  ['::', false],
  ['0:0:0:0:0:0:0:1', false],
  ['::ffff:127.0.0.1', false], // mapped, dotted
  ['::ffff:7f00:1', false], // mapped, hex (what the URL parser writes)
  ['::ffff:10.1.2.3', false],
  ['::ffff:a01:203', false],
  ['::ffff:8.8.8.8', false], // mapped: no public service is named so
  ['::127.0.0.1', false], // IPv4-compatible (deprecated)
  ['fc00::1', false],
  ['fd12:3456::1', false],
  ['fe80::1', false],
  ['fe80::1%eth0', false],
  ['febf::1', false],
  ['fec0::1', false], // site-local (deprecated)
  ['ff02::1', false],
  ['ff0e::1', false],
  ['100::1', false], // discard-only
  ['64:ff9b::7f00:1', false], // NAT64 of 127.0.0.1
  ['64:ff9b::10.0.0.1', false],
  ['64:ff9b::c0a8:101', false], // NAT64 of 192.168.1.1
  ['64:ff9b:1::a00:1', false], // local-use NAT64
  ['2002:7f00:1::1', false], // 6to4 of 127.0.0.1
  ['2002:a00:1::', false], // 6to4 of 10.0.0.1
  ['2002:c0a8:101::1', false],
  ['2001:db8::1', false],
  ['2001::1', false], // Teredo
  ['2001:2::1', false], // benchmarking
  ['3fff::1', false],
  ['5f00::1', false],
  ['2606:4700:4700::1111', true],
  ['2400:3200::1', true],
  ['64:ff9b::808:808', true], // NAT64 of 8.8.8.8
  ['2002:808:808::1', true], // 6to4 of 8.8.8.8
  // Not addresses at all: never connected to by number.
  ['2130706433', false],
  ['0x7f.1', false],
  ['0177.0.0.1', false],
  ['localhost', false],
  ['', false],
]

describe('which addresses are public', () => {
  it.each(ADDRESSES)('%s → public: %s', (ip, pub) => {
    const problem = addressProblem(ip)
    expect(problem === null).toBe(pub)
  })
})

describe('checkUrl: an address a user gave, before it is stored', () => {
  const refused: string[] = [
    'http://push.example.com/x',
    'ftp://push.example.com/x',
    'https://user:pw@push.example.com/x',
    'https://127.0.0.1/x',
    'https://2130706433/x', // the URL parser makes these 127.0.0.1
    'https://0x7f.1/x',
    'https://0177.0.0.1/x',
    'https://127.1/x',
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://[::ffff:10.0.0.5]/x',
    'https://[::]/x',
    'https://0.0.0.0/x',
    'https://10.1.2.3/x',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/x',
    'https://[fc00::1]/x',
    'https://[fd00::1]/x',
    'https://[fe80::1]/x',
    'https://[ff02::1]/x',
    'https://[64:ff9b::a00:1]/x',
    'https://[2002:a00:1::1]/x',
    'https://localhost/x',
    'https://localhost./x',
    'https://push.localhost/x',
    'https://printer.local/x',
    'https://db.internal/x',
    'https://router.home.arpa/x',
    'https://intranet/x',
    'not a url',
  ]
  it.each(refused)('refuses %s', (url) => {
    expect(checkUrl(url).ok).toBe(false)
  })

  it('accepts https to public names and addresses', () => {
    for (const url of ['https://fcm.googleapis.com/fcm/send/abc', 'https://updates.push.services.mozilla.com/wpush/v2/x', 'https://8.8.8.8/x', 'https://[2606:4700::1111]:8443/x']) {
      expect(checkUrl(url)).toMatchObject({ ok: true, trusted: false })
    }
  })

  it('lets a trusted origin be plain http and private, that origin only', () => {
    const trustedOrigins = ['http://127.0.0.1:8080', 'https://push.intranet.lan']
    expect(checkUrl('http://127.0.0.1:8080/push/1', { trustedOrigins })).toMatchObject({ ok: true, trusted: true })
    expect(checkUrl('https://push.intranet.lan/push/1', { trustedOrigins })).toMatchObject({ ok: true, trusted: true })
    expect(checkUrl('http://127.0.0.1:8081/push/1', { trustedOrigins }).ok).toBe(false)
    expect(checkUrl('https://127.0.0.1:8080/push/1', { trustedOrigins }).ok).toBe(false)
    expect(checkUrl('http://push.intranet.lan/push/1', { trustedOrigins }).ok).toBe(false)
  })

  it('reads trusted origins from a setting and refuses entries that are not origins, naming the setting', () => {
    expect(originsFrom(' http://127.0.0.1:8080/ , https://Push.Example.org ', 'PUSH_TRUSTED_ORIGINS')).toEqual(['http://127.0.0.1:8080', 'https://push.example.org'])
    expect(originsFrom('', 'PUSH_TRUSTED_ORIGINS')).toEqual([])
    expect(originsFrom(undefined, 'PUSH_TRUSTED_ORIGINS')).toEqual([])
    for (const bad of ['push.example.org', 'https://push.example.org/path', 'ftp://x.example', 'https://u:p@x.example'])
      expect(() => originsFrom(bad, 'PUSH_TRUSTED_ORIGINS')).toThrow(/PUSH_TRUSTED_ORIGINS/)
  })
})

/** A resolver that answers from a table and counts its calls. */
function tableResolver(table: Record<string, string[] | (() => string[])>) {
  const calls: string[] = []
  const resolve: Resolver = async (host) => {
    calls.push(host)
    // An answer comes later, as from DNS (and after the request's 'socket' event).
    await new Promise((r) => setImmediate(r))
    const entry = table[host]
    const list = typeof entry === 'function' ? entry() : entry
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return list.map((address) => ({ address, family: net.isIP(address) }))
  }
  return { resolve, calls }
}

/** One https request through a guarded agent; the error code it ends with and the address its socket looked up. */
function request(url: string, resolve: Resolver): Promise<{ code: string; looked: string | null }> {
  const agent = new https.Agent({ lookup: guardedLookup(resolve) })
  return new Promise((done) => {
    let looked: string | null = null
    const req = https.request(url, { method: 'POST', agent, timeout: 5000 })
    req.on('socket', (socket) =>
      socket.on('lookup', (err, address) => {
        if (err) return
        looked = String(address)
        // Stop before connecting: the test needs the address the socket would connect to, not a connection.
        socket.destroy(Object.assign(new Error('stopped after the lookup'), { code: 'STOPPED' }))
      }),
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
    req.on('error', (err: Error & { code?: string }) => {
      agent.destroy()
      done({ code: err.code ?? 'error', looked })
    })
    req.end('x')
  })
}

describe('guardedLookup: the address is checked when connecting, and the socket uses that address', () => {
  const hostile = ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.5', '169.254.169.254', 'fd00::1', '64:ff9b::7f00:1', '0.0.0.0']

  it.each(hostile)('a name resolving to %s is refused without a connection', async (address) => {
    const { resolve, calls } = tableResolver({ 'push.attacker.example': [address] })
    const r = await request(`https://push.attacker.example:${port}/x`, resolve)
    expect(r.code).toBe('EOUTBOUNDREFUSED')
    expect(calls).toEqual(['push.attacker.example'])
    expect(connections).toBe(0)
  })

  it('a name with one private answer among public ones is refused as a whole', async () => {
    const { resolve } = tableResolver({ 'mixed.example': ['8.8.8.8', '127.0.0.1'] })
    expect((await request(`https://mixed.example:${port}/x`, resolve)).code).toBe('EOUTBOUNDREFUSED')
    expect(connections).toBe(0)
  })

  it('a resolver failure is passed on as it is (retryable for the channel)', async () => {
    const { resolve } = tableResolver({})
    expect((await request(`https://nowhere.example:${port}/x`, resolve)).code).toBe('ENOTFOUND')
  })

  it('pins: a name that answers public at the check and loopback afterwards is resolved once, and the socket takes the checked address', async () => {
    let n = 0
    const { resolve, calls } = tableResolver({ 'rebind.example': () => (n++ === 0 ? ['93.184.215.14'] : ['127.0.0.1']) })
    const r = await request(`https://rebind.example:${port}/x`, resolve)
    expect(r).toEqual({ code: 'STOPPED', looked: '93.184.215.14' })
    expect(calls).toEqual(['rebind.example'])
    expect(connections).toBe(0)
  })

  it('answers in both of Node’s lookup forms with exactly the checked addresses', async () => {
    const { resolve } = tableResolver({ 'ok.example': ['8.8.8.8', '2606:4700::1111'] })
    const lookup = guardedLookup(resolve)
    const one = await new Promise<unknown[]>((done) => lookup('ok.example', {}, (...args: unknown[]) => done(args)))
    expect(one).toEqual([null, '8.8.8.8', 4])
    const all = await new Promise<unknown[]>((done) => lookup('ok.example', { all: true }, (...args: unknown[]) => done(args)))
    expect(all).toEqual([null, [{ address: '8.8.8.8', family: 4 }, { address: '2606:4700::1111', family: 6 }]])
    const v6 = await new Promise<unknown[]>((done) => lookup('ok.example', { family: 6 }, (...args: unknown[]) => done(args)))
    expect(v6).toEqual([null, '2606:4700::1111', 6])
  })
})
