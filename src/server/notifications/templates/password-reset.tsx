import { Button, Heading, Text } from "@react-email/components";
import { formatUtc } from "./invitation";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface PasswordResetProps {
  name: string;
  /** `${APP_URL}/reset-password/<raw token>`: the only place the raw token ever goes. */
  resetUrl: string;
  /** ISO-8601, UTC. */
  expiresAt: string;
}

export const passwordReset = defineTemplate<PasswordResetProps>({
  name: "password-reset",
  subject: () => "Reset your VantFlow password",
  Body: (p) => (
    <EmailLayout preview="Choose a new password for VantFlow">
      <Heading style={heading}>Reset your password</Heading>
      <Text style={paragraph}>
        Hi {p.name}, someone (we hope you) asked to reset the password of your VantFlow account. Choose a new one here:
      </Text>
      <Button href={p.resetUrl} style={button}>
        Choose a new password
      </Button>
      <Text style={muted}>
        The link works once and expires on {formatUtc(p.expiresAt)}. Setting a new password signs out every device signed in to
        your account. If you did not ask for this, ignore this email: your password stays as it is.
      </Text>
    </EmailLayout>
  ),
  preview: {
    name: "Ada Lovelace",
    resetUrl: "http://localhost:3000/reset-password/prt_preview",
    expiresAt: "2026-12-07T10:30:00.000Z",
  },
});
