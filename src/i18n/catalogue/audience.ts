/** Catalogue section: audience. Spread into the one catalogue in ../messages.ts. */
export const audienceMessages = {} satisfies Record<string, { zh: string; en: string }>
