/**
 * `npm run vapid`: a new VAPID key pair for web push, printed as env lines to
 * put in .env (or the process manager's environment). Generate once per
 * deployment: a new pair invalidates every browser subscription made with the
 * old public key.
 */
import webpush from 'web-push'

import { env } from '../server/env'

const { publicKey, privateKey } = webpush.generateVAPIDKeys()
process.stdout.write(`VAPID_PUBLIC_KEY=${publicKey}\nVAPID_PRIVATE_KEY=${privateKey}\n`)
if (!env.vapidSubject) process.stdout.write('# also set VAPID_SUBJECT=mailto:<the street office contact address>\n')
