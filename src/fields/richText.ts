import {
  EXPERIMENTAL_TableFeature,
  FixedToolbarFeature,
  lexicalEditor,
  UploadFeature,
} from '@payloadcms/richtext-lexical'

/**
 * The one editor every content type uses: headings, lists, links, images,
 * quotes and tables (Lexical's defaults plus tables and a fixed toolbar).
 * The reading site renders only the node types this editor can produce.
 */
export const contentEditor = lexicalEditor({
  features: ({ defaultFeatures }) => [
    ...defaultFeatures.filter((f) => !['relationship', 'checklist', 'inlineCode', 'upload'].includes(f.key)),
    // Images only: policy documents are an upload collection too, but linked, not embedded.
    UploadFeature({ enabledCollections: ['media'] }),
    EXPERIMENTAL_TableFeature(),
    FixedToolbarFeature(),
  ],
})
