/**
 * The SMTP test server (test/support/smtp-server.ts, the `smtp-server`
 * package) in a process of its own, for the delivery benchmark: in the
 * benchmark's process it would compete with the sending side for the same
 * event loop. It counts every message and parses one in 500 back
 * (mailparser), refusing it with 554 unless it has a text and an HTML part,
 * is addressed to its envelope recipient, and carries RFC 8058 one-click
 * unsubscribe headers whose URL is also in both parts. Answers IPC messages:
 * { cmd: 'count' } → { count, checked, firstFault, marked, markedFirstAt }, { cmd: 'reset' } → the same,
 * then zeroes them. With an argument (the urgent benchmark), messages to an address containing it are
 * also counted apart: `marked`, and `markedFirstAt` the time (epoch ms) the first of them was accepted.
 */
import type { ParsedMail } from 'mailparser'

import { startSmtpServer, type ReceivedMail } from '../support/smtp-server'

let checked = 0
let firstFault: string | null = null
function checkSample(mail: ReceivedMail & { parsed: ParsedMail }): string | null {
  const fault = check(mail)
  firstFault ??= fault
  return fault
}
function check(mail: ReceivedMail & { parsed: ParsedMail }): string | null {
  const p = mail.parsed
  checked++
  const header = (name: string) => p.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]*:\s*/, '').replace(/\r?\n\s+/g, ' ')
  const to = p.to && !Array.isArray(p.to) ? p.to.value.map((a) => a.address) : []
  if (to.length !== 1 || to[0] !== mail.envelope.to[0]) return `To ${to.join(',')} is not the envelope recipient ${mail.envelope.to[0]}`
  if (!p.subject) return 'no Subject'
  if (!p.text?.trim()) return 'no text part'
  if (typeof p.html !== 'string' || !p.html.includes('</')) return 'no HTML part'
  const unsubscribe = /^<(https:\/\/[^>]+)>$/.exec(header('list-unsubscribe') ?? '')?.[1]
  if (!unsubscribe) return 'no https List-Unsubscribe'
  if (header('list-unsubscribe-post') !== 'List-Unsubscribe=One-Click') return 'no List-Unsubscribe-Post: List-Unsubscribe=One-Click'
  if (!p.text.includes(unsubscribe)) return 'the text part lacks the List-Unsubscribe URL'
  if (!p.html.replace(/&amp;/g, '&').includes(unsubscribe)) return 'the HTML part lacks the List-Unsubscribe URL'
  return null
}

const mark = process.argv[2]
let marked = 0
let markedFirstAt: number | null = null
const onAccepted = (envelope: { to: string[] }) => {
  if (!mark || !envelope.to.some((to) => to.includes(mark))) return
  markedFirstAt ??= Date.now()
  marked++
}

const smtp = await startSmtpServer({ keep: false, sample: { every: 500, check: checkSample }, onAccepted })
process.send!({ url: smtp.url })
process.on('message', (m: { cmd: string }) => {
  const answer = { count: smtp.accepted(), checked, firstFault, marked, markedFirstAt }
  if (m.cmd === 'reset') (smtp.reset(), (checked = 0), (firstFault = null), (marked = 0), (markedFirstAt = null))
  process.send!(answer)
})
process.on('disconnect', () => void smtp.close().then(() => process.exit(0)))
