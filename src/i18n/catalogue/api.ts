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
  'api.error.uploadNotSignedIn': {
    zh: '请先登录后台再上传，未作处理。',
    en: 'Sign in to the admin before uploading; nothing was done.',
  },
  // Multipart forms (src/server/formCheck.ts): {field} is the form field's name.
  'api.error.formBroken': {
    zh: '上传的表单不完整或格式有误（分隔符缺失或内容被截断），未作处理。请重新提交。',
    en: 'The uploaded form is incomplete or malformed (a missing boundary or a cut-off body); nothing was done. Please send it again.',
  },
  'api.error.formFieldNotJson': {
    zh: '表单字段“{field}”不是有效的 JSON，未作处理。请检查格式后重试。',
    en: 'The form field “{field}” is not valid JSON; nothing was done. Check it and try again.',
  },
  'api.error.formFieldNotObject': {
    zh: '表单字段“{field}”应是一个 JSON 对象，未作处理。请检查格式后重试。',
    en: 'The form field “{field}” must be a JSON object; nothing was done. Check it and try again.',
  },
  'api.error.formFieldRepeated': {
    zh: '表单字段“{field}”出现了不止一次，未作处理。每个字段只能提交一次。',
    en: 'The form field “{field}” was sent more than once; nothing was done. Send each field once.',
  },
  'api.error.formFieldTooLarge': {
    zh: '表单字段“{field}”过大（超过 {limit}），未作处理。',
    en: 'The form field “{field}” is too large (over {limit}); nothing was done.',
  },
  'api.error.formTooManyParts': {
    zh: '表单的字段或文件过多（最多 {fields} 个字段、{files} 个文件），未作处理。',
    en: 'The form has too many fields or files (at most {fields} fields and {files} files); nothing was done.',
  },
  'api.error.formFileMissing': {
    zh: '没有收到上传的文件（表单字段“{field}”），未作处理。请选择文件后重试。',
    en: 'No file was received (form field “{field}”); nothing was done. Choose a file and try again.',
  },
  'api.error.formFileType': {
    zh: '上传的文件类型（{type}）在这里不被接受（表单字段“{field}”），未作处理。请换一个允许类型的文件。',
    en: 'Files of type {type} are not accepted here (form field “{field}”); nothing was done. Choose a file of an accepted type.',
  },
  // The file's contents (its first bytes) are not of a type the collection takes, whatever it was declared as.
  'api.error.formFileContents': {
    zh: '上传的文件实际是 {type}（声明为 {declared}），在这里不被接受（表单字段“{field}”），未作处理。请换一个允许类型的文件。',
    en: 'The uploaded file is in fact {type} (declared as {declared}), which is not accepted here (form field “{field}”); nothing was done. Choose a file of an accepted type.',
  },
  'api.error.formFileUnknown': {
    zh: '上传的文件声明为 {declared}，但内容不是可识别的文件格式（例如文本或网页），在这里不被接受（表单字段“{field}”），未作处理。请换一个允许类型的文件。',
    en: 'The uploaded file was declared as {declared}, but its contents are not a file format we recognise (text or a web page, say), which is not accepted here (form field “{field}”); nothing was done. Choose a file of an accepted type.',
  },
} satisfies Record<string, { zh: string; en: string }>
