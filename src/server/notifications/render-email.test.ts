import { describe, expect, it } from "vitest";
import { renderEmail } from "./render-email";
import { emailTemplates } from "./templates";
import { invitation } from "./templates/invitation";

describe("renderEmail", () => {
  it("renders the subject, an HTML document and a text part from the same props", async () => {
    const email = await renderEmail(invitation, { ...invitation.preview, organizationName: "Initech <Labs>", acceptUrl: "https://app.example/invitations/abc" });
    expect(email.subject).toBe("Ada Lovelace invited you to Initech <Labs> on VantFlow");
    expect(email.html).toMatch(/^<!DOCTYPE html/);
    // Props are text, never markup: the HTML escapes them.
    expect(email.html).toContain("Initech &lt;Labs&gt;");
    expect(email.html).not.toContain("<Labs>");
    expect(email.html).toContain('href="https://app.example/invitations/abc"');
    expect(email.text).toContain("Initech <Labs>");
    expect(email.text).toContain("https://app.example/invitations/abc");
    expect(email.text).not.toContain("<html");
    expect(email.text).toContain("7 Dec 2026, 10:00 UTC");
  });

  it.each(Object.keys(emailTemplates))("renders the %s preview with a subject and both parts", async (name) => {
    const template = emailTemplates[name]!;
    const email = await renderEmail(template, template.preview);
    expect(email.subject.length).toBeGreaterThan(5);
    expect(email.html).toContain("VantFlow");
    expect(email.text.trim().length).toBeGreaterThan(20);
  });
});
