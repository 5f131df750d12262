import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

/** What every email shares: the brand, one column 560 px wide, the footer (and an unsubscribe link on optional emails). */
export function EmailLayout(props: { preview: string; children: ReactNode; unsubscribeUrl?: string }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", margin: 0 }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: 8, margin: "32px auto", maxWidth: 560, padding: "32px 40px" }}>
          <Text style={{ color: "#4f46e5", fontSize: 18, fontWeight: 700, margin: "0 0 24px" }}>VantFlow</Text>
          <Section>{props.children}</Section>
          <Hr style={{ borderColor: "#e4e4e7", margin: "32px 0 16px" }} />
          <Text style={{ color: "#71717a", fontSize: 12, lineHeight: "18px", margin: 0 }}>
            VantFlow Billing · You get this email because of your VantFlow account.
            {props.unsubscribeUrl ? (
              <>
                {" "}
                <Link href={props.unsubscribeUrl} style={{ color: "#71717a", textDecoration: "underline" }}>
                  Unsubscribe from usage alerts
                </Link>
                .
              </>
            ) : null}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export const paragraph = { color: "#18181b", fontSize: 15, lineHeight: "24px", margin: "0 0 16px" } as const;
export const heading = { color: "#18181b", fontSize: 22, fontWeight: 700, lineHeight: "30px", margin: "0 0 16px" } as const;
export const button = {
  backgroundColor: "#4f46e5",
  borderRadius: 6,
  color: "#ffffff",
  display: "inline-block",
  fontSize: 15,
  fontWeight: 600,
  padding: "12px 20px",
  textDecoration: "none",
} as const;
export const muted = { color: "#71717a", fontSize: 13, lineHeight: "20px", margin: "16px 0 0" } as const;
