/**
 * One row of the cost ledger: every call through the proxy, hit or miss, success or error. The
 * shapes are the local API's contract (contract/api.ts), shared with the extension and webview.
 */
export type { CacheStatus, CallPage, CallRecord, CallTags, Summary, SummaryBucket } from '@contract/api';
