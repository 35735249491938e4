import type { OfficialName } from '../types'

/**
 * Official names and their known wrong forms: a wrong form in published
 * content is a serious wording error (严重表述错误), which fails a government
 * new-media inspection, so it blocks publishing until fixed or overridden.
 *
 * Every wrong form is matched as a whole string; none may be part of a valid
 * text (test/checks/officialNames.test.ts runs the correct forms and common
 * valid phrases through the detector). Office holders' names and titles are
 * not shipped here: the street keeps them in site settings, and they reach
 * the detector as `settings.officialNames` at run time.
 *
 * Edit freely; keep the groups. Facts and how sure they are:
 * - National: the constitution's names of the state and its organs (中华人民
 *   共和国, 全国人民代表大会 and its 常务委员会, 国务院, 最高人民法院, 最高
 *   人民检察院, 国家监察委员会), the party's (中国共产党, 中共中央, 中央纪律
 *   检查委员会), the CPPCC. The wrong forms are the typing and homophone
 *   errors inspection notices keep reporting (共合国, 国务办公厅, 人民检查院,
 *   纪律检察委员会) and two counting errors: a party congress is numbered
 *   with 次 (第二十次全国代表大会) and a plenary session with the central
 *   committee's 届 (二十届三中全会, not 二十大三中全会); the NPC's terms with 届.
 * - Order: 中共中央 goes before 国务院 when both issue a text, and a place is
 *   written from the larger unit down (福建省三明市三元区).
 * - Local: Fujian province, Sanming city; 徐碧街道 (Xubi Street) as in the
 *   seed article (/work/shared/seed). The street's district: the seed article
 *   names none. Xubi belonged to 梅列区, which was merged into a new 三元区 in
 *   2021 (from memory, not from the seed: check before relying on it), so
 *   三元区 is listed and 梅列区 is not flagged (older texts use it rightly).
 *   The five communities are the demo street's (src/seed/demo.ts), not checked
 *   against the real street: a street replaces them with its own in settings.
 *   The local wrong forms are likely confusions (形近 璧/碧, 祟/崇; 乾 wrongly
 *   simplified to 干), not recorded cases.
 */

/** 十八大…二十大: plenary sessions are numbered by the central committee's 届. */
const PLENARY: OfficialName[] = []
for (const congress of ['十八', '十九', '二十', '二十一']) {
  for (const n of ['一', '二', '三', '四', '五', '六', '七']) {
    PLENARY.push({ correct: `${congress}届${n}中全会`, wrong: [`${congress}大${n}中全会`, `第${congress}次${n}中全会`] })
  }
}

export const OFFICIAL_NAMES: readonly OfficialName[] = [
  // The state and its organs
  {
    correct: '中华人民共和国',
    wrong: ['中华人民共合国', '中华人民供和国', '中华人名共和国', '中化人民共和国', '中华人民共和囯', '中华人民共国'],
  },
  { correct: '全国人民代表大会', wrong: ['全国人名代表大会', '全国人民代表大汇', '全国人民代表打会'] },
  { correct: '全国人民代表大会常务委员会', wrong: ['全国人民代表大会常委委员会', '全国人民代表大会常务委会'] },
  { correct: '第十三届全国人民代表大会', wrong: ['第十三次全国人民代表大会'] },
  { correct: '第十四届全国人民代表大会', wrong: ['第十四次全国人民代表大会'] },
  { correct: '第十五届全国人民代表大会', wrong: ['第十五次全国人民代表大会'] },
  { correct: '国务院', wrong: ['国务阮', '国物院'] },
  { correct: '国务院办公厅', wrong: ['国务办公厅', '国务院办公庭', '国务院办工厅'] },
  { correct: '最高人民法院', wrong: ['最高人民法庭'] },
  { correct: '人民检察院', wrong: ['人民检查院'] },
  { correct: '国家监察委员会', wrong: ['国家检察委员会', '国家监查委员会'] },
  { correct: '中国人民政治协商会议', wrong: ['中国人民政治协商会义', '中国人民政治协商会意', '中国人民政治协商委员会'] },
  { correct: '中国人民解放军', wrong: ['中国人民解放君', '中国人民解方军'] },

  // The party
  { correct: '中国共产党', wrong: ['中国共产觉', '中国共产当', '中国共产堂', '中国供产党'] },
  { correct: '中共中央', wrong: ['中供中央'] },
  { correct: '纪律检查委员会', wrong: ['纪律检察委员会'] },
  { correct: '中国共产党第二十次全国代表大会', wrong: ['中国共产党第二十届全国代表大会'] },
  { correct: '中国共产党第十九次全国代表大会', wrong: ['中国共产党第十九届全国代表大会'] },
  { correct: '党的第二十次全国代表大会', wrong: ['党的第二十届全国代表大会'] },
  ...PLENARY,
  { correct: '中国特色社会主义', wrong: ['中国特色社会主意', '中国特设社会主义', '中国特色社会注意'] },
  { correct: '社会主义核心价值观', wrong: ['社会主义核心价值关'] },

  // Order
  { correct: '中共中央、国务院', wrong: ['国务院、中共中央'] },
  { correct: '中共中央办公厅、国务院办公厅', wrong: ['国务院办公厅、中共中央办公厅'] },
  { correct: '福建省三明市', wrong: ['三明市福建省'] },
  { correct: '三明市三元区', wrong: ['三元区三明市', '三明市三园区', '三明市三源区'] },

  // Province, city, district, street
  { correct: '福建省', wrong: ['福健省'] },
  { correct: '三明市', wrong: ['三铭市', '叁明市'] },
  { correct: '三元区', wrong: ['三源区'] },
  { correct: '徐碧街道', wrong: ['徐璧街道', '徐壁街道', '许碧街道', '徐碧街到'] },
  { correct: '徐碧街道办事处', wrong: ['徐碧街道办事出', '徐碧街道办侍处'] },
  { correct: '聚焦徐碧', wrong: ['聚焦徐璧', '聚焦徐壁', '聚集徐碧'] },

  // Communities (the demo street's)
  { correct: '徐碧社区', wrong: ['徐璧社区', '徐壁社区', '许碧社区'] },
  { correct: '东霞社区', wrong: ['东暇社区', '东遐社区'] },
  { correct: '乾龙社区', wrong: ['干龙社区'] },
  { correct: '新亭社区', wrong: ['新庭社区', '新停社区'] },
  { correct: '崇桂社区', wrong: ['祟桂社区', '崇贵社区'] },
]
