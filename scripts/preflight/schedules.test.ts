import { describe, expect, it } from "vitest";
import { JOB_SCHEDULES } from "../../src/server/jobs/schedules";
import { scheduleProblems } from "./schedules";

const APP = "https://billing.example.com";
const registeredAt = (appUrl: string) => JOB_SCHEDULES.map((j) => ({ scheduleId: j.scheduleId, cron: j.cron, destination: new URL(j.path, appUrl).toString() }));

describe("scheduleProblems", () => {
  it("passes every job scheduled at APP_URL on its cron", () => {
    expect(scheduleProblems(registeredAt(APP), APP)).toEqual([]);
  });

  it("names APP_URL for each schedule missing, left at another address, on another cron, or paused", () => {
    expect(scheduleProblems([], APP).map((p) => p.variable)).toEqual(JOB_SCHEDULES.map(() => "APP_URL"));
    const old = scheduleProblems(registeredAt("https://old.example.com"), APP);
    expect(old).toHaveLength(JOB_SCHEDULES.length);
    expect(old[0]!.message).toContain(`calls https://old.example.com${JOB_SCHEDULES[0].path}, not ${APP}${JOB_SCHEDULES[0].path}`);
    const [first, ...rest] = registeredAt(APP);
    expect(scheduleProblems([{ ...first!, cron: "0 3 * * *" }, ...rest], APP)[0]!.message).toContain('runs "0 3 * * *"');
    expect(scheduleProblems([{ ...first!, isPaused: true }, ...rest], APP)[0]!.message).toContain("paused");
  });
});
