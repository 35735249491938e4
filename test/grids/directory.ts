import type { DirectoryBuilding, DirectoryGrid } from '../../src/grids/finder'

/**
 * A fixed street for the finder's tests: 5 communities, 34 grids, 277
 * buildings, written the many ways a street office's records really are:
 * 碧湖小区1号楼 (the estate in the label, as the demo seed writes it), 7栋,
 * 1幢, A座, 一栋 … 十六栋, 1#, 01栋, 综合楼, and addresses on 碧湖路 and
 * 龙岗路. Estates split across grids: 碧湖小区 (XB-01, XB-02), 江滨花园
 * (XB-04, XB-05), 东霞苑 (DX-01, DX-02). Two estates share a short name
 * (碧湖小区, 碧湖花园), one name holds a numeral (九龙花园), one is two
 * characters long (翠园), one looks like a road (列东街住宅), and 徐碧 is
 * both an estate's short name (徐碧新村) and a community's (徐碧社区).
 * XT-07 has no building in the directory.
 */
type Spec = { code: string; estate: string; labels: string[]; addresses?: (string | null)[] }

const COMMUNITIES: Record<string, { name: string; grid: (n: number) => string }> = {
  XB: { name: '徐碧社区', grid: (n) => `徐碧第${n}网格` },
  DX: { name: '东霞社区', grid: (n) => `东霞第${n}网格` },
  QL: { name: '乾龙社区', grid: (n) => `乾龙第${n}网格` },
  XT: { name: '新亭社区', grid: (n) => `新亭第${n}网格` },
  CG: { name: '崇桂社区', grid: (n) => `崇桂第${n}网格` },
}

const range = (from: number, to: number, label: (n: number) => string) => Array.from({ length: to - from + 1 }, (_, i) => label(from + i))
const CN = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六']

const SPECS: Spec[] = [
  { code: 'XB-01', estate: '碧湖小区', labels: range(1, 6, (n) => `碧湖小区${n}号楼`) },
  { code: 'XB-02', estate: '碧湖小区', labels: range(7, 12, (n) => `${n}栋`) },
  { code: 'XB-03', estate: '徐碧新村', labels: range(1, 9, (n) => `${n}幢`) },
  { code: 'XB-04', estate: '江滨花园', labels: ['A座', 'B座', 'C座', 'D座', '综合楼'] },
  { code: 'XB-05', estate: '江滨花园', labels: ['E座', 'F座', 'G座'] },
  {
    code: 'XB-06',
    estate: '',
    labels: ['碧湖路12号楼', '碧湖路14号楼', '碧湖路16号楼', '碧湖路18号楼'],
    addresses: ['碧湖路12号', '碧湖路 14 号', '碧湖路16号', '碧湖路18号'],
  },
  { code: 'XB-07', estate: '碧湖花园', labels: range(1, 8, (n) => `${n}栋`) },
  { code: 'DX-01', estate: '东霞苑', labels: range(1, 8, (n) => `${CN[n]}栋`) },
  { code: 'DX-02', estate: '东霞苑', labels: range(9, 16, (n) => `${CN[n]}栋`) },
  { code: 'DX-03', estate: '霞光小区', labels: [...range(1, 6, (n) => `${n}#`), '二十三号楼'] },
  { code: 'DX-04', estate: '电力宿舍', labels: range(1, 5, (n) => `${n}号`) },
  { code: 'DX-05', estate: '霞光小区', labels: range(7, 14, (n) => `${n}#`) },
  { code: 'DX-06', estate: '东霞新村', labels: range(1, 9, (n) => `${n}号楼`) },
  { code: 'DX-07', estate: '东霞新村', labels: range(10, 18, (n) => `${n}号楼`) },
  { code: 'QL-01', estate: '乾龙新村', labels: range(1, 9, (n) => `${n}号楼`) },
  {
    code: 'QL-02',
    estate: '龙岗小区',
    labels: range(1, 6, (n) => `${n}栋`),
    addresses: range(1, 6, (n) => `龙岗路${2 * n - 1}号`),
  },
  { code: 'QL-03', estate: '沙洲花园', labels: range(1, 9, (n) => `${String(n).padStart(2, '0')}栋`) },
  { code: 'QL-04', estate: '乾龙新村', labels: range(10, 18, (n) => `${n}号楼`) },
  { code: 'QL-05', estate: '龙岗小区', labels: range(7, 15, (n) => `${n}栋`) },
  { code: 'QL-06', estate: '沙洲花园', labels: range(10, 18, (n) => `${n}栋`) },
  { code: 'QL-07', estate: '乾龙公寓', labels: range(1, 9, (n) => `${n}座`) },
  { code: 'XT-01', estate: '新亭小区', labels: range(1, 12, (n) => `${n}栋`) },
  { code: 'XT-02', estate: '列东街住宅', labels: range(1, 9, (n) => `${n}号楼`) },
  { code: 'XT-03', estate: '翠园', labels: range(1, 9, (n) => `${n}栋`) },
  { code: 'XT-04', estate: '新亭小区', labels: range(13, 24, (n) => `${n}栋`) },
  { code: 'XT-05', estate: '列东街住宅', labels: range(10, 18, (n) => `${n}号楼`) },
  { code: 'XT-06', estate: '翠园', labels: range(10, 18, (n) => `${n}栋`) },
  { code: 'CG-01', estate: '崇桂新村', labels: range(1, 12, (n) => `${n}号楼`) },
  { code: 'CG-02', estate: '桂花苑', labels: range(1, 9, (n) => `${n}幢`) },
  { code: 'CG-03', estate: '北山小区', labels: range(1, 12, (n) => `${n}栋`) },
  { code: 'CG-04', estate: '九龙花园', labels: range(1, 9, (n) => `${n}栋`) },
  { code: 'CG-05', estate: '崇桂新村', labels: range(13, 23, (n) => `${n}号楼`) },
  { code: 'CG-06', estate: '北山小区', labels: range(13, 21, (n) => `${n}栋`) },
]

function gridOf(code: string): DirectoryGrid {
  const [prefix, n] = code.split('-')
  const c = COMMUNITIES[prefix]
  return { code, name: c.grid(Number(n)), community: c.name }
}

export const DIRECTORY: DirectoryBuilding[] = SPECS.flatMap((spec) => {
  const grid = gridOf(spec.code)
  return spec.labels.map((label, i) => ({
    grid: grid.code,
    gridName: grid.name,
    community: grid.community,
    estate: spec.estate,
    label,
    address: spec.addresses?.[i] ?? null,
  }))
})

/** Grids with no building in the directory. */
export const GRIDS_WITHOUT_BUILDINGS: DirectoryGrid[] = [gridOf('XT-07')]
