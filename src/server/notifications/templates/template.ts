import type { ReactElement } from "react";

/**
 * One email: its subject and body from typed props, and the props its preview renders with.
 * Every template lives in this folder and is listed in `./index.ts`; `renderEmail` turns one
 * into the subject, HTML and plain text the outbox stores.
 */
export interface EmailTemplate<P> {
  /** Stable name: the preview's URL segment and the outbox row's `kind` prefix. */
  name: string;
  subject: (props: P) => string;
  Body: (props: P) => ReactElement;
  /** Realistic props for /dev/emails (and React Email's own `email dev`). */
  preview: P;
}

/** Declares a template with its props type inferred from `Body`. */
export const defineTemplate = <P>(template: EmailTemplate<P>): EmailTemplate<P> => template;
