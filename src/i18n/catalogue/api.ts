/** Catalogue section: the API's own refusals of a request body (src/server/bodyLimit.ts). Spread into ../messages.ts. */
export const apiMessages = {
  'api.error.invalidJson': {
    zh: '请求内容不是有效的 JSON，未作处理。请检查格式后重试。',
    en: 'The request body is not valid JSON; nothing was done. Check it and try again.',
  },
  'api.error.unsupportedType': {
    zh: '请求内容的类型（{type}）不受支持，未作处理。请以 JSON 或表单提交。',
    en: 'The request body’s type ({type}) is not accepted; nothing was done. Send JSON or a form.',
  },
} satisfies Record<string, { zh: string; en: string }>
