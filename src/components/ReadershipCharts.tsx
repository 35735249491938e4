import { type Lang, t } from '../i18n/messages'
import type { DashboardRow, Figure, Heatmap, TrendPoint } from '../readership/dashboard'

/**
 * The dashboard's charts as plain SVG rendered on the server: no chart
 * library, no script. Each chart has a title and description for screen
 * readers, and every mark its own <title> with the figure; the numbers
 * themselves are in the tables beside.
 */
const issueLabel = (n: number | null, title: string, lang: Lang) => (n === null ? title : t('readership.chart.issue', lang, { n }))

/** The shown ratios' maximum, at least 10% so a street with little reach is not drawn as full bars. */
const scaleMax = (figures: Figure[]) => Math.max(0.1, ...figures.filter((f) => f.state === 'shown').map((f) => f.value ?? 0))

export function ReachBars({ rows, title, lang, id }: { rows: DashboardRow[]; title: string; lang: Lang; id: string }) {
  const grids = rows.filter((r) => r.kind === 'grid')
  const max = scaleMax(grids.map((r) => r.reach))
  const label = 170
  const width = 720
  const bar = 20
  const gap = 6
  const plot = width - label - 70
  const height = grids.length * (bar + gap) + gap
  return (
    <svg className="rs-chart" id={id} role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width }}>
      <title id={`${id}-title`}>{t('readership.chart.reach.title', lang)}</title>
      <desc id={`${id}-desc`}>{t('readership.chart.reach.desc', lang, { title })}</desc>
      {grids.map((r, i) => {
        const y = gap + i * (bar + gap)
        const name = `${r.grid!.code} ${r.grid!.name}`
        const shown = r.reach.state === 'shown'
        const w = shown ? Math.max(1, (plot * (r.reach.value ?? 0)) / max) : 0
        return (
          <g key={String(r.grid!.id)} data-grid={r.grid!.code}>
            <title>{t('readership.chart.point', lang, { label: name, value: r.reach.display })}</title>
            <text x={label - 8} y={y + bar / 2} dominantBaseline="middle" textAnchor="end" className="rs-chart-label">
              {name}
            </text>
            {shown ? <rect x={label} y={y} width={w} height={bar} className="rs-bar" /> : <rect x={label} y={y} width={18} height={bar} className="rs-bar-none" />}
            <text x={label + (shown ? w : 18) + 6} y={y + bar / 2} dominantBaseline="middle" className="rs-chart-value">
              {r.reach.display}
            </text>
          </g>
        )
      })}
    </svg>
  )
}

export function TrendChart({ points, lang, id }: { points: TrendPoint[]; lang: Lang; id: string }) {
  const width = 720
  const height = 240
  const left = 56
  const right = 24
  const top = 16
  const bottom = 40
  const max = scaleMax(points.map((p) => p.reach))
  const x = (i: number) => (points.length === 1 ? left + (width - left - right) / 2 : left + (i * (width - left - right)) / (points.length - 1))
  const y = (v: number) => top + (height - top - bottom) * (1 - v / max)
  // A line through consecutive shown points; a hidden point breaks it.
  const segments: string[][] = []
  let current: string[] = []
  points.forEach((p, i) => {
    if (p.reach.state === 'shown') current.push(`${x(i)},${y(p.reach.value!)}`)
    else if (current.length) (segments.push(current), (current = []))
  })
  if (current.length) segments.push(current)
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max)
  return (
    <svg className="rs-chart" id={id} role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width }}>
      <title id={`${id}-title`}>{t('readership.chart.trend.title', lang, { n: points.length })}</title>
      <desc id={`${id}-desc`}>{t('readership.chart.trend.desc', lang)}</desc>
      {ticks.map((v) => (
        <g key={v}>
          <line x1={left} x2={width - right} y1={y(v)} y2={y(v)} className="rs-grid-line" />
          <text x={left - 6} y={y(v)} textAnchor="end" dominantBaseline="middle" className="rs-chart-axis">
            {`${Math.round(v * 1000) / 10}%`}
          </text>
        </g>
      ))}
      {segments.map((s, i) => (s.length > 1 ? <polyline key={i} points={s.join(' ')} className="rs-line" /> : null))}
      {points.map((p, i) => {
        const label = issueLabel(p.issue.number, p.issue.title, lang)
        return (
          <g key={String(p.issue.id)} data-issue={p.issue.number ?? ''}>
            <title>{t('readership.chart.point', lang, { label: `${label}《${p.issue.title}》`, value: p.reach.display })}</title>
            {p.reach.state === 'shown' ? (
              <circle cx={x(i)} cy={y(p.reach.value!)} r={5} className="rs-point" />
            ) : (
              <text x={x(i)} y={y(0) - 8} textAnchor="middle" className="rs-chart-value">
                {p.reach.display}
              </text>
            )}
            <text x={x(i)} y={height - bottom + 18} textAnchor="middle" className="rs-chart-axis">
              {label}
            </text>
          </g>
        )
      })}
    </svg>
  )
}

/** Grid rows × issue columns, shade by reach: pale where coverage is weak. */
export function HeatmapChart({ heatmap, lang, id, k }: { heatmap: Heatmap; lang: Lang; id: string; k: number }) {
  const label = 170
  const cellW = 64
  const cellH = 24
  const head = 28
  const width = label + heatmap.issues.length * cellW + 8
  const height = head + heatmap.grids.length * cellH + 4
  const max = scaleMax(heatmap.cells.flat())
  const shade = (v: number) => {
    // From a pale blue (weak) to a deep blue (strong), by the share of the highest reach shown.
    const f = Math.min(1, v / max)
    const mix = (a: number, b: number) => Math.round(a + (b - a) * f)
    return { fill: `rgb(${mix(236, 29)},${mix(243, 78)},${mix(251, 137)})`, text: f > 0.55 ? '#fff' : '#1f2933' }
  }
  return (
    <svg className="rs-chart" id={id} role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width }}>
      <title id={`${id}-title`}>{t('readership.heatmap.title', lang)}</title>
      <desc id={`${id}-desc`}>{t('readership.heatmap.desc', lang, { k })}</desc>
      {heatmap.issues.map((issue, j) => (
        <text key={String(issue.id)} x={label + j * cellW + cellW / 2} y={head - 10} textAnchor="middle" className="rs-chart-axis">
          {issueLabel(issue.number, issue.title, lang)}
        </text>
      ))}
      {heatmap.grids.map((grid, i) => (
        <g key={String(grid.id)} data-grid={grid.code}>
          <text x={label - 8} y={head + i * cellH + cellH / 2} textAnchor="end" dominantBaseline="middle" className="rs-chart-label">
            {`${grid.code} ${grid.name}`}
          </text>
          {heatmap.issues.map((issue, j) => {
            const f = heatmap.cells[i][j]
            const s = f.state === 'shown' ? shade(f.value ?? 0) : null
            return (
              <g key={String(issue.id)}>
                <title>{t('readership.heatmap.cell', lang, { grid: `${grid.code} ${grid.name}`, issue: issueLabel(issue.number, issue.title, lang), value: f.display })}</title>
                <rect x={label + j * cellW + 1} y={head + i * cellH + 1} width={cellW - 2} height={cellH - 2} fill={s ? s.fill : undefined} className={s ? 'rs-heat' : 'rs-heat-none'} />
                <text x={label + j * cellW + cellW / 2} y={head + i * cellH + cellH / 2} textAnchor="middle" dominantBaseline="middle" className="rs-heat-text" fill={s ? s.text : undefined}>
                  {f.display}
                </text>
              </g>
            )
          })}
        </g>
      ))}
    </svg>
  )
}
