/** Catalogue section: reader. Spread into the one catalogue in ../messages.ts. */
export const readerMessages = {} satisfies Record<string, { zh: string; en: string }>
