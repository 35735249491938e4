/** Catalogue section: the API's own refusals of a request body (src/server/bodyLimit.ts). Spread into ../messages.ts. */
export const apiMessages = {
  'api.error.invalidJson': {
    zh: '请求内容不是有效的 JSON，未作处理。请检查格式后重试。',
    en: 'The request body is not valid JSON; nothing was done. Check it and try again.',
  },
} satisfies Record<string, { zh: string; en: string }>
