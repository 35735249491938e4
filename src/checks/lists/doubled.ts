/**
 * Doubled characters and punctuation. Reduplication is ordinary Chinese
 * (谢谢, 常常, 看看, 天天, 家家户户, 格格有人管), so only characters that almost
 * never double are suspects; a doubled suspect is still valid where it spans
 * two words (为了 + 了解, 目的 + 的, 是 + 是否), and those places are listed
 * as allowed contexts. Editable; test/checks/doubled.test.ts covers both lists.
 */

/** Function words and pronouns: doubled, they are nearly always a slip of the keyboard. */
export const SUSPECT_DOUBLES = '的了是在也都把被将于而但我你他她它们这那之'

/**
 * Valid strings that contain a doubled suspect (the whole string must be in
 * the text): a word ending in the character, then a word starting with it.
 * 和, 与, 及, 就, 着, 不 are not suspects at all: too many words end or start
 * with them (温和 + 和, 参与 + 与会, 以及 + 及时, 早就 + 就业, 看着 + 着急).
 */
export const ALLOWED_DOUBLES = [
  // 的: 目的 + 的, 的 + 的确
  '的的确', '目的的', '有的的', '别的的', '似的的', '真的的',
  // 了: 为了 + 了解, 受不了 + 了, 不了了之
  '了了解', '了了结', '了了却', '了了如', '了了不', '了了当', '了了得', '了了断', '了了然', '不了了', '了了之', '小时了了',
  // 是: 还是 + 是否, 是是非非
  '是是否', '是是非', '是是而非',
  // 在: 现在 + 在 (a preposition after 现在 is plain grammar), 在 + 在职
  '现在在', '实在在', '存在在', '所在在', '好在在', '内在在', '外在在',
  '在在于', '在在乎', '在在场', '在在职', '在在校', '在在线', '在在读', '在在押', '在在册', '在在建', '在在岗', '在在意',
  // 都, 把, 被, 将, 于, 但, 他, 它
  '首都都', '成都都', '古都都', '把把关', '一把把', '被被告', '被被子', '被被褥',
  '将将来', '将将军', '将将士', '将将近', '将将领', '于于是', '于于都', '但但凡', '但但愿', '其他他', '其它它',
]

/**
 * Punctuation that is never doubled in Chinese text: a run of two or more
 * (，，  。。  ，。) is reported. ！！ and ？？ too; ？！ and ！？ are allowed,
 * and the ellipsis …… and dash —— are not in the set.
 */
export const NO_DOUBLE_PUNCT = '，。、；：'
export const EMPHATIC_PUNCT = '！？'
