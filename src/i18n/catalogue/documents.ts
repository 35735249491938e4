/** Catalogue section: documents. Spread into the one catalogue in ../messages.ts. */
export const documentsMessages = {} satisfies Record<string, { zh: string; en: string }>
