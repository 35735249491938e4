/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 for tests and
 * benchmarks. It accepts every message, keeps it parsed back with mailparser
 * (or only counts, for benchmarks), and can be told to fail on purpose:
 * a reply code for given recipients, a reply code for the next N MAIL/RCPT/DATA
 * commands, or a dropped connection at a given command.
 */
import type { AddressInfo } from 'node:net'

import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'

export type SmtpStage = 'mail' | 'rcpt' | 'data'

export type ReceivedMail = {
  envelope: { from: string; to: string[] }
  raw: Buffer
  parsed: ParsedMail | null
  at: Date
}

export type SmtpTestServer = {
  port: number
  /** A nodemailer connection URL (the shape of SMTP_URL). */
  url: string
  messages: ReceivedMail[]
  /** Messages accepted (also counted when `keep` is false). */
  accepted(): number
  /** Client connections opened so far (a sender that connects and sends nothing counts too). */
  connections(): number
  /** Answer `code` to RCPT TO for this address (until cleared). */
  failRecipient(address: string, code: number, text?: string): void
  /** Answer `code` to the next `times` commands of that stage. */
  failNext(times: number, code: number, stage?: SmtpStage, text?: string): void
  /** Drop the TCP connection (no reply) on the next `times` commands of that stage. */
  dropNext(times: number, stage?: SmtpStage): void
  /** Hold every message at the end of DATA (no reply) until the returned function is called: a slow server. */
  hold(): () => void
  /** Messages whose DATA is held right now. */
  held(): number
  /** Forget messages, rules and counts. */
  reset(): void
  /** Resolves when at least `count` messages were accepted; rejects after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

type Rule = { times: number; stage: SmtpStage; code?: number; text?: string; drop?: boolean }

/**
 * keep: hold every message (parsed unless parse is false); false only counts.
 * sample (benchmarks, with keep false): parse one message in `every` and refuse
 * it with 554 when `check` names a fault, so a sender's mistake still shows
 * while the server stays cheap.
 * delayMs: answer each message's DATA this much later (a slow server: one
 * connection then takes at least this long a message).
 * onAccepted: told of each message accepted, with its envelope (also when not kept).
 */
export async function startSmtpServer(
  options: {
    keep?: boolean
    parse?: boolean
    sample?: { every: number; check: (mail: ReceivedMail & { parsed: ParsedMail }) => string | null }
    delayMs?: number
    onAccepted?: (envelope: ReceivedMail['envelope']) => void
  } = {},
): Promise<SmtpTestServer> {
  const keep = options.keep ?? true
  const parse = keep && (options.parse ?? true)
  const sample = options.sample
  let received = 0
  const messages: ReceivedMail[] = []
  const recipientFailures = new Map<string, { code: number; text?: string }>()
  let rules: Rule[] = []
  let accepted = 0
  let connections = 0
  let waiters: { count: number; resolve: () => void }[] = []
  let holding: Promise<void> | null = null
  let heldNow = 0

  const replyError = (code: number, text?: string) =>
    Object.assign(new Error(text || `Test server refuses with ${code}`), { responseCode: code })

  /** Apply the first matching rule for this stage; true when it answered (or dropped). */
  const applyRule = (stage: SmtpStage, session: SMTPServerSession, callback: (err?: Error | null) => void): boolean => {
    const rule = rules.find((r) => r.stage === stage && r.times > 0)
    if (!rule) return false
    rule.times--
    rules = rules.filter((r) => r.times > 0)
    if (rule.drop) {
      for (const conn of server.connections) if (conn.id === session.id) conn._socket.destroy()
      return true
    }
    callback(replyError(rule.code!, rule.text))
    return true
  }

  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    // No STARTTLS: the test server has no certificate of its own, and clients then speak plain SMTP.
    disabledCommands: ['STARTTLS'],
    size: 10 * 1024 * 1024,
    onConnect(_session, callback) {
      connections++
      callback()
    },
    onMailFrom(_address, session, callback) {
      if (!applyRule('mail', session, callback)) callback()
    },
    onRcptTo(address, session, callback) {
      if (applyRule('rcpt', session, callback)) return
      const fail = recipientFailures.get(address.address.toLowerCase())
      if (fail) return callback(replyError(fail.code, fail.text))
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      const sampled = !!sample && received++ % Math.max(1, sample.every) === 0
      stream.on('data', (c: Buffer) => (keep || sampled) && chunks.push(c))
      stream.on('end', async () => {
        if (holding) {
          heldNow++
          await holding
          heldNow--
        }
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs))
        if (applyRule('data', session, callback)) return
        const mail: ReceivedMail = {
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw: Buffer.concat(chunks),
          parsed: null,
          at: new Date(),
        }
        try {
          if (parse || sampled) mail.parsed = await simpleParser(mail.raw)
        } catch (err) {
          return callback(replyError(554, `Unparseable message: ${(err as Error).message}`))
        }
        const fault = sampled ? sample!.check(mail as ReceivedMail & { parsed: ParsedMail }) : null
        if (fault) return callback(replyError(554, `Sample check failed: ${fault}`))
        if (keep) messages.push(mail)
        accepted++
        options.onAccepted?.(mail.envelope)
        waiters = waiters.filter((w) => (accepted >= w.count ? (w.resolve(), false) : true))
        callback()
      })
    },
  })
  server.on('error', () => {
    // Client-side resets (dropped connections on purpose) surface here; nothing to do.
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.server.address() as AddressInfo).port

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    accepted: () => accepted,
    connections: () => connections,
    failRecipient(address, code, text) {
      recipientFailures.set(address.toLowerCase(), { code, text })
    },
    failNext(times, code, stage = 'rcpt', text) {
      rules.push({ times, stage, code, text })
    },
    dropNext(times, stage = 'data') {
      rules.push({ times, stage, drop: true })
    },
    hold() {
      let release!: () => void
      holding = new Promise<void>((resolve) => (release = resolve))
      return () => {
        holding = null
        release()
      }
    },
    held: () => heldNow,
    reset() {
      messages.length = 0
      recipientFailures.clear()
      rules = []
      accepted = 0
      connections = 0
      received = 0
    },
    waitFor(count, timeoutMs = 10_000) {
      if (accepted >= count) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`SMTP test server: ${accepted} of ${count} messages after ${timeoutMs} ms`)), timeoutMs)
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) })
      })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
