/**
 * The usage alert thresholds on their own, free of I/O: the alerts (alerts.ts) record crossings of
 * them, and the pages colour a bar and list "near the limit" from the first of them, so the amber
 * bar, the home's reminder and the 80 % email agree.
 */

/** Percent of the limit at which an alert is recorded. */
export const ALERT_THRESHOLDS = [80, 100] as const;
export type AlertThreshold = (typeof ALERT_THRESHOLDS)[number];
