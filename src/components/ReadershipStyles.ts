/** The readership pages' styles (阅读统计, the share kits, the CSV tools), kept apart from the view so a test can load them. */
export const READERSHIP_CSS = `
.rs { padding-bottom: 3rem; max-width: 1200px; }
.rs h1 { margin: 1.5rem 0 0.5rem; }
.rs h2 { margin: 2rem 0 0.75rem; font-size: 1.25rem; }
.rs-intro, .rs-scope, .rs-legend { color: var(--theme-elevation-700); max-width: 60rem; }
.rs-picker { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; margin: 1rem 0; }
.rs-picker select { min-width: 22rem; max-width: 100%; padding: 0.4rem; font: inherit; background: var(--theme-input-bg); color: var(--theme-text); border: 1px solid var(--theme-elevation-150); border-radius: 4px; }
.rs-picker button, .rs-button { padding: 0.45rem 1rem; font: inherit; border-radius: 4px; border: 0; background: var(--theme-elevation-800); color: var(--theme-elevation-0); cursor: pointer; text-decoration: none; display: inline-block; }
.rs-actions { display: flex; gap: 1rem; margin: 0.5rem 0 1rem; flex-wrap: wrap; }
.rs-actions a { text-decoration: underline; }
.rs-table-wrap { overflow-x: auto; }
.rs-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 0.9rem; }
.rs-table caption { text-align: left; font-weight: 600; padding: 0.25rem 0 0.5rem; }
.rs-table th, .rs-table td { border: 1px solid var(--theme-elevation-150); padding: 0.35rem 0.5rem; }
.rs-table th { background: var(--theme-elevation-50); font-weight: 600; text-align: center; }
.rs-table td.n { text-align: right; white-space: nowrap; }
.rs-table tbody th { text-align: left; font-weight: 500; background: none; white-space: nowrap; }
.rs-table tr.rs-total td, .rs-table tr.rs-total th { font-weight: 700; background: var(--theme-elevation-50); }
.rs-table .rs-small, .rs-table .rs-hidden { color: var(--theme-elevation-500); }
.rs-table .rs-opens { color: var(--theme-elevation-600); font-style: italic; }
.rs-grid2 { display: grid; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); gap: 2rem; align-items: start; }
@media (max-width: 1000px) { .rs-grid2 { grid-template-columns: 1fr; } }
.rs-box { border: 1px solid var(--theme-elevation-150); border-radius: 6px; padding: 1rem; background: var(--theme-elevation-50); }
.rs-box h2 { margin-top: 0; }
.rs-box dl { display: grid; grid-template-columns: 1fr auto; gap: 0.35rem 1rem; margin: 0.5rem 0; }
.rs-box dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.rs-note { font-size: 0.85rem; color: var(--theme-elevation-600); }
.rs-error { color: var(--theme-error-500); font-weight: 600; }
.rs-chart { display: block; margin: 0.5rem 0 1rem; font-size: 12px; }
.rs-chart text { fill: var(--theme-text); }
.rs-chart .rs-chart-axis { fill: var(--theme-elevation-600); }
.rs-bar { fill: #2a6fb0; }
.rs-bar-none, .rs-heat-none { fill: var(--theme-elevation-150); }
.rs-line { fill: none; stroke: #2a6fb0; stroke-width: 2.5; }
.rs-point { fill: #2a6fb0; }
.rs-grid-line { stroke: var(--theme-elevation-100); }
.rs-heat-text { font-size: 11px; }
.rs-kits { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 1.25rem; }
.rs-kit { border: 1px solid var(--theme-elevation-150); border-radius: 6px; padding: 1rem; }
.rs-kit h3 { margin: 0 0 0.5rem; font-size: 1.05rem; }
.rs-kit .rs-qr svg { width: 180px; height: 180px; display: block; margin: 0.5rem 0; background: #fff; }
.rs-kit input, .rs-kit textarea { width: 100%; font: inherit; font-size: 0.85rem; padding: 0.35rem; background: var(--theme-input-bg); color: var(--theme-text); border: 1px solid var(--theme-elevation-150); border-radius: 4px; }
.rs-kit textarea { min-height: 7rem; resize: vertical; }
.rs-kit label { display: block; font-size: 0.85rem; margin: 0.5rem 0 0.25rem; color: var(--theme-elevation-700); }
`
