// The metrics this module owns. Every other module registers its own metrics next to its code
// (makeCounterProvider… in its module's providers); see the ownership list in README "Monitoring".

/** Histogram of HTTP request durations, labelled by route pattern, method and status. */
export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';

/** Gauge: 1 while the state store (memory or Redis) answers, 0 while it does not. */
export const STORAGE_UP = 'ducke_storage_up';

/** Buckets in seconds: a page or /status answers in milliseconds; a slow one shows up past 0.1 s. */
export const HTTP_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
