'use client'

import { FieldLabel } from '@payloadcms/ui'
import type { TextFieldLabelClientComponent } from 'payload'

/**
 * A text field's label tied to its input wherever the form is. Payload 3.90's
 * label points at `field-<path>-<depth>` inside a drawer (an image added from
 * the rich-text editor) and at `field-<path>-<form uuid>` in a bulk upload,
 * while the text input's id is always `field-<path>`: there a click on the
 * label did nothing and a screen reader announced the input without its name.
 */
export const inputIdOf = (path: string) => `field-${path.replace(/\./g, '__')}`

/** For a field required by its own check rather than `required: true` (Media's alt text): shown as required. */
export const RequiredLinkedLabel: TextFieldLabelClientComponent = ({ field, path }) => (
  <FieldLabel htmlFor={inputIdOf(path ?? field?.name ?? '')} label={field?.label} localized={field?.localized} path={path} required />
)
