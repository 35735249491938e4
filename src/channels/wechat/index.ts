/** The WeChat channel: a typed API client, its error kinds and explanations, and the article HTML converter. */
export * from './client'
export * from './errors'
export * from './html'
export * from './jsapi'
