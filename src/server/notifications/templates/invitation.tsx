import { Button, Heading, Text } from "@react-email/components";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface InvitationProps {
  organizationName: string;
  inviterName: string;
  role: "ADMIN" | "MEMBER";
  acceptUrl: string;
  /** ISO-8601, UTC. */
  expiresAt: string;
}

const roleLabel = { ADMIN: "an admin", MEMBER: "a member" } as const;

export const invitation = defineTemplate<InvitationProps>({
  name: "invitation",
  subject: (p) => `${p.inviterName} invited you to ${p.organizationName} on VantFlow`,
  Body: (p) => (
    <EmailLayout preview={`Join ${p.organizationName} on VantFlow`}>
      <Heading style={heading}>Join {p.organizationName}</Heading>
      <Text style={paragraph}>
        {p.inviterName} invited you to join {p.organizationName} on VantFlow as {roleLabel[p.role]}.
      </Text>
      <Button href={p.acceptUrl} style={button}>
        Accept the invitation
      </Button>
      <Text style={muted}>
        The link works once and expires on {formatUtc(p.expiresAt)}. If you did not expect it, ignore this email.
      </Text>
    </EmailLayout>
  ),
  preview: {
    organizationName: "Acme Automations",
    inviterName: "Ada Lovelace",
    role: "MEMBER",
    acceptUrl: "http://localhost:3000/invitations/inv_preview",
    expiresAt: "2026-12-07T10:00:00.000Z",
  },
});

/** "7 Dec 2026, 10:00 UTC": emails state times in UTC, as the app does. */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  const date = d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  return `${date}, ${time} UTC`;
}
