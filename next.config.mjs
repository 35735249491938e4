import { withPayload } from '@payloadcms/next/withPayload'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Express serves the resident pages; Next only hosts the Payload admin and API.
  poweredByHeader: false,
  // Images are served by Payload's upload routes, not Next's optimiser.
  images: { unoptimized: true },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
