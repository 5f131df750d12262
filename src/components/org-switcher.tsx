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
  return (
    <form ref={formRef} action={action}>
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
