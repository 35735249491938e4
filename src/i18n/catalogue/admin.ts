/** Catalogue section: admin. Spread into the one catalogue in ../messages.ts. */
export const adminMessages = {} satisfies Record<string, { zh: string; en: string }>
