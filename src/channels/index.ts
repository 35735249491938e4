/** The channel layer: one folder per channel, one result shape, a few error kinds (see types.ts). */
export * from './types'
export { EmailChannel, mapSmtpError, type EmailConfig, type EmailMessage } from './email'
export * from './webpush'
export * from './wechat'
