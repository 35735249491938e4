import { Gutter } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'

import { HomeBody, homeData } from './HomeBody'
import { sharePageContext } from './pageContext'
import { langFrom } from './ReadershipNames'

/**
 * /admin: the admin home, one per role (HomeBody.tsx), in place of Payload's
 * card list; Payload draws the navigation and template around it.
 */
export async function HomeView(props: AdminViewServerProps) {
  // Its 待审核 card and the navigation's count read one result (hooks/reviewQueue.ts, awaitingOnce).
  const req = sharePageContext(props.initPageResult.req)
  const data = await homeData(req, langFrom(req))
  return (
    // `dashboard`: the admin home's class, as Payload's own home carries it.
    <Gutter className="dashboard">
      <HomeBody data={data} />
    </Gutter>
  )
}
