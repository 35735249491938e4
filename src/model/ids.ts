/**
 * A document's id: a number on SQLite (AUTOINCREMENT, never reused), an
 * ObjectId string on MongoDB. Code that must work on both takes either.
 */
export type Id = string | number
