/**
 * The demo street's communities, grids and buildings, shaped like Xubi
 * Street: 5 communities, 34 grids of 300–500 households, and 277 buildings
 * (the seed issue's count of building heads), each with its address, its
 * households (a grid's buildings together stay under the grid's count) and
 * its head (楼栋长), and a code (XB-01-03: grid and place). The same on
 * every run: a seeded random.
 */
export const DEMO_BUILDINGS = 277

export const COMMUNITIES = [
  { code: 'XB', name: '徐碧社区', grids: 7, estates: ['碧湖小区', '徐碧新村', '江滨花园'] },
  { code: 'DX', name: '东霞社区', grids: 7, estates: ['东霞苑', '霞光小区', '电力宿舍'] },
  { code: 'QL', name: '乾龙社区', grids: 7, estates: ['乾龙新村', '龙岗小区', '沙洲花园'] },
  { code: 'XT', name: '新亭社区', grids: 7, estates: ['新亭小区', '列东街住宅', '翠园'] },
  { code: 'CG', name: '崇桂社区', grids: 6, estates: ['崇桂新村', '桂花苑', '北山小区'] },
]

/** The road each estate's buildings are numbered on. */
const ROADS: Record<string, string> = {
  碧湖小区: '碧湖路',
  徐碧新村: '徐碧路',
  江滨花园: '江滨北路',
  东霞苑: '东霞路',
  霞光小区: '霞光路',
  电力宿舍: '电力巷',
  乾龙新村: '乾龙路',
  龙岗小区: '龙岗路',
  沙洲花园: '沙洲路',
  新亭小区: '新亭路',
  列东街住宅: '列东街',
  翠园: '翠园路',
  崇桂新村: '崇桂路',
  桂花苑: '桂花路',
  北山小区: '北山路',
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯曾彭萧蔡潘'
const GIVEN = [
  '建国', '秀英', '文华', '丽萍', '志强', '海燕', '玉兰', '春梅', '国庆', '明辉', '淑珍', '德福', '金凤', '桂英', '建平',
  '伟', '芳', '敏', '静', '丽华', '秀兰', '志明', '红梅', '建军', '永福', '美玲', '宝珍', '晓东', '立新', '素琴',
]

/** Deterministic pseudo-random numbers, so every demo database looks the same. */
export function rng(seed: number) {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

export type DemoBuilding = { code: string; estate: string; name: string; address: string; households: number; head: string }
export type DemoGrid = { code: string; name: string; households: number; buildings: DemoBuilding[] }
export type DemoCommunity = { code: string; name: string; grids: DemoGrid[] }

export function demoStreet(seed = 20140627): DemoCommunity[] {
  const random = rng(seed)
  const pick = (n: number) => Math.floor(random() * n)
  // How many buildings each grid has: 6 to 10, then evened out to exactly DEMO_BUILDINGS.
  const gridCount = COMMUNITIES.reduce((s, c) => s + c.grids, 0)
  const counts = Array.from({ length: gridCount }, () => 6 + pick(5))
  for (let i = 0, sum = counts.reduce((s, n) => s + n, 0); sum !== DEMO_BUILDINGS; i = (i + 1) % gridCount) {
    if (sum < DEMO_BUILDINGS && counts[i] < 12) (counts[i]++, sum++)
    else if (sum > DEMO_BUILDINGS && counts[i] > 5) (counts[i]--, sum--)
  }
  const nextNumber = new Map<string, number>()
  let g = 0
  return COMMUNITIES.map((c) => ({
    code: c.code,
    name: c.name,
    grids: Array.from({ length: c.grids }, (_, i) => {
      const n = i + 1
      const estate = c.estates[i % c.estates.length]
      const households = 300 + pick(201)
      const count = counts[g++]
      // Shares of the grid's households: together 80–95 % of it (the rest live in shops, bungalows, a guard house).
      const weights = Array.from({ length: count }, () => 0.6 + random() * 0.8)
      const total = weights.reduce((s, w) => s + w, 0)
      const housed = households * (0.8 + random() * 0.15)
      const code = `${c.code}-${String(n).padStart(2, '0')}`
      const buildings = weights.map((w, b) => {
        const k = (nextNumber.get(estate) ?? 0) + 1
        nextNumber.set(estate, k)
        return {
          // The grid's code and the building's place in it (XB-01-03): given here, so the seed takes no counter value per building.
          code: `${code}-${String(b + 1).padStart(2, '0')}`,
          estate,
          name: `${estate}${k}号楼`,
          address: `${ROADS[estate]}${2 * k}号`,
          households: Math.max(6, Math.floor((housed * w) / total)),
          head: SURNAMES[pick(SURNAMES.length)] + GIVEN[pick(GIVEN.length)],
        }
      })
      return { code, name: `${c.name.replace('社区', '')}第${n}网格`, households, buildings }
    }),
  }))
}
