import { describe, expect, it } from 'vitest'

import { runChecks } from '../../src/checks/index'
import { demoDocuments } from '../support/demoRecording'

/**
 * The demo street's content raises no 严重 finding (issue 16). The checks run
 * on each content as the seed would save it (test/support/demoRecording.ts).
 */
describe('the demo content', () => {
  it('raises no serious finding, and what it raises is listed here', async () => {
    const { created, settings } = await demoDocuments()
    const media = new Map(created.filter((c) => c.collection === 'media').map((c) => [c.id, c.data]))
    const contents = created.filter((c) => ['issues', 'events', 'policies', 'announcements'].includes(c.collection))
    expect(contents.map((c) => c.collection).sort()).toEqual(['announcements', 'events', 'issues', 'policies'])

    const findings = contents.flatMap((c) =>
      runChecks(c.data, {
        collection: c.collection,
        settings: {
          hotline: settings.hotline as string,
          publicUrl: 'http://127.0.0.1:3000',
          media: (mid) => media.get(Number(mid)) as { alt?: string } | undefined,
        },
      }).map((f) => [c.collection, f.severity, f.kind, f.match]),
    )
    expect(findings.filter(([, severity]) => severity === 'serious')).toEqual([])
    expect(findings).toEqual([])
  })
})
