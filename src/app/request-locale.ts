import "server-only";

import { headers } from "next/headers";
import { cache } from "react";
import { resolveLocale } from "~/components/format";

/** The user's locale for this request (Accept-Language), for server components and the root layout. */
export const requestLocale = cache(async () => resolveLocale((await headers()).get("accept-language")));
