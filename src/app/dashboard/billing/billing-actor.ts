import "server-only";

import { BILLING_ROLES } from "~/server/orgs/memberships";
import { requireActiveOrg } from "../dashboard-context";

/** The active org for a billing page, and whether the caller may change its billing. */
export async function billingPageContext() {
  const { active } = await requireActiveOrg();
  return { orgId: active.organization.id, orgName: active.organization.name, canManage: BILLING_ROLES.includes(active.role) };
}
