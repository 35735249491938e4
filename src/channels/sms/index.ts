/** The SMS channel (Alibaba Cloud SMS): a client, its error kinds, the templates, and length as the provider counts it. */
export * from './client'
export * from './errors'
export * from './segments'
export * from './templates'
