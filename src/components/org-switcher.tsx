"use client";

import { useRef } from "react";

export function OrgSwitcher({
  organizations,
  activeId,
  action,
}: {
  organizations: { id: string; name: string }[];
  activeId: string;
  action: (formData: FormData) => Promise<void>;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  // React resets a form once its action is done, and an uncontrolled select resets to the
  // default it mounted with: the org before the switch. Keyed by the active org, the form
  // mounts again with the org now active as its default.
  return (
    <form key={activeId} ref={formRef} action={action}>
      <label htmlFor="org-switcher" className="sr-only">
        Organization
      </label>
      <select
        id="org-switcher"
        name="orgId"
        defaultValue={activeId}
        onChange={() => formRef.current?.requestSubmit()}
        className="w-full rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
      >
        {organizations.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
    </form>
  );
}
