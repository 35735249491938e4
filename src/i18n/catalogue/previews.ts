/** Catalogue section: previews. Spread into the one catalogue in ../messages.ts. */
export const previewsMessages = {} satisfies Record<string, { zh: string; en: string }>
