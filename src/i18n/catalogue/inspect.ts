/** Catalogue section: inspect. Spread into the one catalogue in ../messages.ts. */
export const inspectMessages = {} satisfies Record<string, { zh: string; en: string }>
