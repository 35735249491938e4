import type { ServerProps } from 'payload'

import { cachedSettings } from '../content/data'
import { t } from '../i18n/messages'
import { isMediaDoc, mediaSrc } from '../templates/html'

/**
 * The street's own name and logo (SiteSettings streetName, logo) where
 * Payload shows its own: the login page's logo (graphics.Logo), the header's
 * home icon (graphics.Icon) and the top of the side navigation. Read through
 * the page cache (a settings save drops it), with the site's icon when no
 * logo is set. The login page has no user yet, so the settings are read
 * with overrideAccess and only the name and the logo's path leave here.
 */
const FALLBACK_ICON = '/icons/icon.svg'

async function brand(payload: ServerProps['payload']) {
  const site = await cachedSettings(payload)
  // The original file: the thumb size is a centre crop, which would cut a logo.
  const logo = isMediaDoc(site.logo) ? mediaSrc(site.logo, '') : null
  return { streetName: site.streetName, logo: logo?.src ?? null }
}

const langOf = (props: ServerProps) => (props.i18n?.language === 'en' ? 'en' : 'zh')

/** The login page (and create-first-user, forgot-password): the street's logo and name, "管理" beneath. */
export async function AdminLogo(props: ServerProps) {
  const { streetName, logo } = await brand(props.payload)
  return (
    <div className="street-brand street-brand--login" id="street-brand-login" style={{ display: 'flex', alignItems: 'center', gap: 16 }}>
      {/* The name is printed beside the image, so the image itself is decorative. */}
      <img className="street-brand__logo" src={logo ?? FALLBACK_ICON} alt="" style={{ height: 64, width: 'auto', maxWidth: 160 }} />
      <div style={{ display: 'flex', flexDirection: 'column' }}>
        <span className="street-brand__name" style={{ fontSize: 28, fontWeight: 600, lineHeight: 1.2 }}>
          {streetName}
        </span>
        <span className="street-brand__sub" style={{ fontSize: 16, opacity: 0.75 }}>
          {t('brand.adminSubtitle', langOf(props))}
        </span>
      </div>
    </div>
  )
}

/** The header's home link (Payload's icon otherwise): the logo, named for screen readers. */
export async function AdminIcon(props: ServerProps) {
  const { streetName, logo } = await brand(props.payload)
  return <img className="street-brand__icon" id="street-brand-icon" src={logo ?? FALLBACK_ICON} alt={streetName} style={{ height: 24, width: 'auto', maxWidth: 72 }} />
}

/** The top of the side navigation: the street's logo and name. */
export async function NavBrand(props: ServerProps) {
  const { streetName, logo } = await brand(props.payload)
  const admin = props.payload?.config?.routes?.admin ?? '/admin'
  return (
    <a
      className="street-brand street-brand--nav"
      id="street-brand-nav"
      href={admin}
      style={{ display: 'flex', alignItems: 'center', gap: 10, marginBottom: 16, textDecoration: 'none', color: 'inherit' }}
    >
      <img className="street-brand__logo" src={logo ?? FALLBACK_ICON} alt="" style={{ height: 32, width: 'auto', maxWidth: 96 }} />
      <span className="street-brand__name" style={{ fontSize: 18, fontWeight: 600 }}>
        {streetName}
      </span>
    </a>
  )
}
