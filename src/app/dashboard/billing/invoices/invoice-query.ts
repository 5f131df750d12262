/**
 * The invoice list's query input, shared by the page's prefetch and the client list so both use
 * the same cache key. $0 invoices (one per plan change during a trial) are left out unless asked for.
 */
export const invoiceListQuery = (orgId: string, pageSize: number, showZero = false) => ({ orgId, limit: pageSize, hideZero: !showZero });
