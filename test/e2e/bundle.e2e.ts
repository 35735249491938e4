import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

/**
 * Next bundles its own copy of every module the admin and the API routes import
 * (collection configs, hooks, components and what they import). The delivery
 * engine, the scheduler and the channels must not be among them: the configs
 * reach the engine through the registry that the server fills at start
 * (src/jobs/nudge.ts). The build's module list is read from the source maps of
 * its server chunks; the global setup has made the build current.
 */
const NEXT_SERVER = path.join(process.cwd(), '.next', 'server')

function* maps(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* maps(p)
    else if (entry.name.endsWith('.js.map')) yield p
  }
}

/** Our modules in Next's server build, as paths from the project root (src/…). */
function bundledModules(): Set<string> {
  const found = new Set<string>()
  for (const file of maps(NEXT_SERVER)) {
    const map = JSON.parse(fs.readFileSync(file, 'utf8')) as { sources?: string[]; sections?: { map: { sources?: string[] } }[] }
    const sources = [...(map.sources ?? []), ...(map.sections ?? []).flatMap((s) => s.map.sources ?? [])]
    for (const source of sources) {
      if (source.includes('node_modules')) continue
      const at = source.indexOf('src/')
      if (at >= 0) found.add(source.slice(at))
    }
  }
  return found
}

/** The engine's modules; the few of src/delivery and src/jobs a config or the panel may read are leaves without I/O. */
const CONFIG_SAFE = new Set(['src/delivery/config.ts', 'src/delivery/links.ts', 'src/delivery/rows.ts', 'src/jobs/config.ts', 'src/jobs/nudge.ts', 'src/jobs/wechatRetract.ts', 'src/jobs/relayTellTask.ts'])
const isEngine = (m: string) => (m.startsWith('src/channels/') || m.startsWith('src/delivery/') || m.startsWith('src/jobs/')) && !CONFIG_SAFE.has(m)

describe("Next's server build", () => {
  it('holds the admin and the collection configs, but not the delivery pipeline, the scheduler or any channel', () => {
    const modules = bundledModules()
    // The list is really the build's: the configs, the hooks and the panel are in it.
    expect(modules).toContain('src/payload.config.ts')
    expect(modules).toContain('src/hooks/deliveries.ts')
    expect(modules).toContain('src/components/DeliveriesPanelClient.tsx')
    expect([...modules].filter(isEngine)).toEqual([])
  })
})
