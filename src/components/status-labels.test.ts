import { describe, expect, it } from "vitest";
import { statusLabel } from "~/components/status-labels";

describe("statusLabel", () => {
  it("names subscription statuses as a customer reads them", () => {
    expect(statusLabel("trialing")).toBe("Trial");
    expect(statusLabel("active")).toBe("Active");
    expect(statusLabel("past_due")).toBe("Past due");
    expect(statusLabel("incomplete_expired")).toBe("Expired");
  });

  it("names invoice statuses", () => {
    expect(statusLabel("paid")).toBe("Paid");
    expect(statusLabel("open")).toBe("Open");
  });

  it("an unknown status is capitalised with every underscore a space, not shown raw", () => {
    expect(statusLabel("some_new_state")).toBe("Some new state");
  });
});
