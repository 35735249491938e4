/**
 * The SMTP test server in a process of its own, for the delivery benchmark:
 * in the benchmark's process it would compete with the sending side for the
 * same event loop. Answers IPC messages: { cmd: 'count' } → { count },
 * { cmd: 'reset' } → { count: 0 }.
 */
import { startSmtpServer } from '../support/smtp-server'

const smtp = await startSmtpServer({ keep: false })
process.send!({ url: smtp.url })
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'reset') smtp.reset()
  process.send!({ count: smtp.accepted() })
})
process.on('disconnect', () => void smtp.close().then(() => process.exit(0)))
