/**
 * The one guard for outgoing requests to an address a user gave us (a
 * resident's push endpoint, an editor's test device; later the link checker).
 * Without it such an address could make the server POST into our own network
 * (SSRF): https://127.0.0.1/, https://[::ffff:7f00:1]/, or a name whose DNS
 * answer is 10.0.0.5.
 *
 * Two steps:
 * - `checkUrl` when the address is given (no DNS): https only, no user info,
 *   an IP literal must be a public unicast address, and names that can only
 *   mean "inside" (localhost, *.local, single labels…) are refused;
 * - `guardedLookup` when connecting: used as the `lookup` of the https agent,
 *   it resolves the name (with an injectable resolver), refuses the name when
 *   any answer is not public, and hands the socket exactly the addresses it
 *   checked. The socket connects to what was checked, so a DNS answer that
 *   changes between the check and the connection (rebinding) changes nothing.
 *
 * Origins listed as trusted (an intranet push service, the tests' local one)
 * pass both steps unchecked: they may be plain http and private.
 */
import dns from 'node:dns'
import https from 'node:https'
import net, { type LookupFunction } from 'node:net'

export type ResolvedAddress = { address: string; family: number }
/** Every address a host name resolves to (dns.lookup's `all` answer). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>

/** The operating system's resolver, as Node's own connections use it. */
export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true })

/** A connection the guard would not make. */
export class OutboundRefused extends Error {
  readonly code = 'EOUTBOUNDREFUSED'
  constructor(
    readonly host: string,
    readonly reason: string,
    readonly address?: string,
  ) {
    super(`Refused to connect to ${host}${address && address !== host ? ` (${address})` : ''}: ${reason}`)
  }
}

// ---------------------------------------------------------------- addresses

type Range = readonly [prefix: number[], bits: number, reason: string]

/** IPv4 ranges that are not public unicast (IANA special-purpose registry, RFC 6890 and successors). */
const V4_RANGES: readonly Range[] = [
  [[0, 0, 0, 0], 8, 'this network / unspecified'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'shared address space (CGNAT)'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'IETF protocol assignments'],
  [[192, 0, 2, 0], 24, 'documentation'],
  [[192, 88, 99, 0], 24, '6to4 relay anycast'],
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'benchmarking'],
  [[198, 51, 100, 0], 24, 'documentation'],
  [[203, 0, 113, 0], 24, 'documentation'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved / broadcast'],
]

/** IPv6 ranges inside global unicast (2000::/3) that are still not reachable public hosts. */
const V6_GLOBAL_EXCEPTIONS: readonly Range[] = [
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'documentation'],
  [[0x20, 0x01, 0x00, 0x00], 23, 'IETF protocol assignments (Teredo, benchmarking, ORCHID)'],
  [[0x3f, 0xff], 20, 'documentation'],
]

const inRange = (bytes: number[], [prefix, bits]: Range): boolean => {
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i)
    const mask = (0xff << (8 - take)) & 0xff
    if (((bytes[i / 8] ?? 0) & mask) !== ((prefix[i / 8] ?? 0) & mask)) return false
  }
  return true
}

function v4Bytes(ip: string): number[] | null {
  if (net.isIPv4(ip) !== true) return null
  return ip.split('.').map(Number)
}

/** The 16 bytes of an IPv6 address (zone id dropped), or null. */
function v6Bytes(raw: string): number[] | null {
  const ip = raw.replace(/%.*$/, '')
  if (!net.isIPv6(ip)) return null
  let text = ip
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const b = v4Bytes(dotted[1])
    if (!b) return null
    text = text.slice(0, -dotted[1].length) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null]
  const groups = (s: string) => (s ? s.split(':') : [])
  const h = groups(head)
  const t = tail === null ? [] : groups(tail)
  const fill = tail === null ? 0 : 8 - h.length - t.length
  const all = [...h, ...Array(fill).fill('0'), ...t]
  if (all.length !== 8) return null
  return all.flatMap((g) => {
    const n = parseInt(g, 16)
    return [n >> 8, n & 0xff]
  })
}

function v4Problem(b: number[]): string | null {
  for (const range of V4_RANGES) if (inRange(b, range)) return range[2]
  return null
}

function v6Problem(b: number[]): string | null {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0)
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): no public service is named so.
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return 'IPv4-mapped'
  if (zeros(0, 12)) return b[15] === 1 && zeros(12, 15) ? 'loopback' : zeros(12, 16) ? 'unspecified' : 'IPv4-compatible'
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: as public as that one.
  if (inRange(b, [[0x00, 0x64, 0xff, 0x9b], 96, ''])) {
    const inner = v4Problem(b.slice(12, 16))
    return inner ? `NAT64 of ${inner} IPv4` : null
  }
  if (b[0] === 0x20 && b[1] === 0x02) {
    const inner = v4Problem(b.slice(2, 6))
    return inner ? `6to4 of ${inner} IPv4` : null
  }
  // Only global unicast (2000::/3) is public; this excludes link-local fe80::/10,
  // unique-local fc00::/7, site-local fec0::/10, multicast ff00::/8, discard 100::/64,
  // local-use NAT64 64:ff9b:1::/48 and the rest of the unassigned space.
  if ((b[0] & 0xe0) !== 0x20) {
    if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return 'link-local'
    if ((b[0] & 0xfe) === 0xfc) return 'unique-local'
    if (b[0] === 0xff) return 'multicast'
    return 'not global unicast'
  }
  for (const range of V6_GLOBAL_EXCEPTIONS) if (inRange(b, range)) return range[2]
  return null
}

/**
 * Why this IP address is not to be connected to on a user's behalf, or null
 * when it is a public unicast address. Anything that is not a plain IPv4 or
 * IPv6 address (e.g. "2130706433") is refused too.
 */
export function addressProblem(ip: string): string | null {
  const bare = ip.replace(/^\[|\]$/g, '')
  const b4 = v4Bytes(bare)
  if (b4) return v4Problem(b4)
  const b6 = v6Bytes(bare)
  if (b6) return v6Problem(b6)
  return 'not an IP address'
}

export const isPublicAddress = (ip: string): boolean => addressProblem(ip) === null

/** Names that only ever mean a host inside a network (RFC 6761, 6762, 8375 and common practice). */
function hostnameProblem(hostname: string): string | null {
  const h = hostname.toLowerCase().replace(/\.$/, '')
  if (h === 'localhost' || h.endsWith('.localhost')) return 'localhost'
  if (!h.includes('.')) return 'single-label name'
  for (const suffix of ['.local', '.internal', '.lan', '.home.arpa', '.arpa']) if (h.endsWith(suffix)) return `${suffix} name`
  return null
}

// ---------------------------------------------------------------- URLs

/** Origins from a comma-separated setting, each checked; `name` is the setting, for the error. */
export function originsFrom(raw: string | undefined, name: string): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      let url: URL | null = null
      try {
        url = new URL(entry)
      } catch {
        url = null
      }
      const bare = url && (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash
      if (!url || !bare) throw new Error(`${name}: "${entry}" is not an origin (http(s)://host[:port], nothing after it)`)
      return url.origin
    })
}

export type UrlCheck = { ok: true; url: URL; trusted: boolean } | { ok: false; reason: string }

/**
 * An address a user gave, checked before it is stored or used (no DNS: the
 * answer could change before we connect; guardedLookup checks that one).
 * Trusted origins pass as they are; everything else must be https, without
 * user info, to a public IP literal or a name not reserved for inside use.
 * `allowHttp` lets plain http through under the same address rules (the link
 * checker only reads a page a reader would open; it sends nothing of ours).
 */
export function checkUrl(raw: string | URL, opts: { trustedOrigins?: readonly string[]; allowHttp?: boolean } = {}): UrlCheck {
  let url: URL
  try {
    url = new URL(String(raw))
  } catch {
    return { ok: false, reason: 'not a URL' }
  }
  if ((url.protocol === 'https:' || url.protocol === 'http:') && opts.trustedOrigins?.includes(url.origin)) return { ok: true, url, trusted: true }
  if (url.protocol !== 'https:' && !(opts.allowHttp && url.protocol === 'http:')) return { ok: false, reason: `${url.protocol} is not https:` }
  if (url.username || url.password) return { ok: false, reason: 'user info in the URL' }
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const problem = net.isIP(host) ? addressProblem(host) : hostnameProblem(host)
  return problem ? { ok: false, reason: `${host}: ${problem}` } : { ok: true, url, trusted: false }
}

// ---------------------------------------------------------------- connecting

/**
 * A `lookup` for net/http/https agents: the host's addresses from `resolve`,
 * refused (error code EOUTBOUNDREFUSED) when any of them is not public, else
 * exactly those addresses, so the socket connects to what was checked.
 */
export function guardedLookup(resolve: Resolver = systemResolver): LookupFunction {
  const lookup = (hostname: string, options: dns.LookupOptions, callback: unknown) => {
    const cb = callback as unknown as (err: Error | null, address?: string | ResolvedAddress[], family?: number) => void
    const all = Boolean((options as { all?: boolean }).all)
    const family = (options as { family?: number | string }).family
    const wanted = family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0
    const found: Promise<ResolvedAddress[]> = net.isIP(hostname)
      ? Promise.resolve([{ address: hostname, family: net.isIP(hostname) }])
      : Promise.resolve().then(() => resolve(hostname))
    found.then(
      (answers) => {
        const addresses = answers.filter((a) => !wanted || a.family === wanted)
        if (!addresses.length) return cb(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND', hostname }))
        for (const a of addresses) {
          const problem = addressProblem(a.address)
          if (problem) return cb(new OutboundRefused(hostname, problem, a.address))
        }
        if (all) cb(null, addresses)
        else cb(null, addresses[0].address, addresses[0].family)
      },
      (err: Error) => cb(err),
    )
  }
  return lookup as LookupFunction
}

/** An https agent whose connections go only to checked public addresses. */
export function guardedHttpsAgent(options: https.AgentOptions = {}, resolve?: Resolver): https.Agent {
  return new https.Agent({ ...options, lookup: guardedLookup(resolve) })
}
