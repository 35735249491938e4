import type { TypoPair } from '../types'
import { IDIOM_TYPOS } from './typosIdioms'
import { PUBLISHED_TYPOS } from './typosPublished'
import { WORD_TYPOS } from './typosWords'

/**
 * Common wrong characters (错别字): each entry is a whole wrong word, the word
 * it should be, and where the pair is listed. Matched as a whole word, never
 * one character at a time; `except` lists valid longer strings that contain
 * the wrong word (按装修 is 按 + 装修, not 按装), so they are not reported.
 * Found pairs are warnings (提示), never a block.
 *
 * Edit freely: add a line to the list of its source (typosPublished.ts,
 * typosIdioms.ts, typosWords.ts), run `npx vitest run test/checks/typos.test.ts`,
 * which checks that no correct form, and none of the valid phrases listed
 * there, is reported. Keep a source code on every line.
 *
 * Sources (the pairs are facts: which word is written for which):
 * - Y05  《咬文嚼字》编辑部《当代汉语出版物中最常见的100个别字》(published
 *        22 April 2005 at the magazine's tenth anniversary). Left out as too
 *        ambiguous for whole-word matching in running text: 既使 (既使用…),
 *        了望 (除了望…; 了望台 and 了望塔 are kept), 不能自己 (不能自己做主),
 *        九洲 (a common business name).
 * - Y12…Y23 《咬文嚼字》年度“十大语文差错”, the year given (2012, 2013, 2015,
 *        2016, 2017, 2019, 2020, 2021, 2023), the items that are a wrong written
 *        word; the 2017 item (非营利) as its editor-in-chief cited it in 2019.
 *        Left out: 带口罩 (携带口罩 is valid), 挤对 and 负作用 (valid words),
 *        禁鱼 alone (kept as 禁鱼期).
 * - YJ   examples the magazine's editor-in-chief 黄安靖 cited from its
 *        “咬嚼名家” campaign when presenting the 2019 list.
 * - G    《咬文嚼字》编辑部《高考作文常见错别字》(修订版), its published exercises.
 * - K    成语易错字 set in the national college entrance examination papers of
 *        1994–1997, as collected in the teaching article 《成语易错字例说》.
 * - C    Pairs that recur in public compilations of commonly miswritten idioms
 *        and words for school and for official writing (“容易写错的成语”,
 *        “公文中常见的错别字”); each was checked by hand to be a wrong form,
 *        not a variant that a dictionary accepts (好象, 陷井, 交待, 偶而, 座落,
 *        签定, 狼籍 and the like are deliberately absent: reference works
 *        list them or still disagree).
 */
export type { TypoPair } from '../types'

/** The lists by where they come from; the detector reads them as one list, in this order. */
export const TYPO_PAIRS: readonly TypoPair[] = [...PUBLISHED_TYPOS, ...IDIOM_TYPOS, ...WORD_TYPOS]
