/** Catalogue section: homes. Spread into the one catalogue in ../messages.ts. */
export const homesMessages = {} satisfies Record<string, { zh: string; en: string }>
