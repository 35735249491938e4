import { withPayload } from '@payloadcms/next/withPayload'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Express serves the resident pages; Next only hosts the Payload admin and API.
  poweredByHeader: false,
  // Images are served by Payload's upload routes, not Next's optimiser.
  images: { unoptimized: true },
  // The Express server and Next must share ONE copy of Payload: with a bundled
  // second copy, `instanceof ValidationError` fails across them and REST
  // errors lose their per-field details (the reason a publish was refused).
  // unpdf (pdf.js) and mammoth read policy documents' files on the server only
  // (src/documents/fileText.ts): required at run time, never bundled.
  serverExternalPackages: ['payload', '@payloadcms/db-sqlite', '@payloadcms/db-mongodb', '@payloadcms/drizzle', '@payloadcms/graphql', 'unpdf', 'mammoth', 'jszip'],
  // `npm test` type-checks everything; the build checks only what it ships,
  // so a test file being edited never stops `npm start`.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
