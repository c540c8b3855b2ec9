// The one import point of test helpers for bench/: hand-wired modules, a movable clock, tokens.
export { ManualClock } from './manual-clock';
export { costHarness, settingsOf, wireCostModule } from './cost-harness';
export { sessionRateLimiterHarness } from './rate-limit-harness';
export { algNone, claimsAt, ecKeys, es256, hs256, hs256WithHeader, hs256WithPublicKey, OTHER_SECRET, rs256, rsaKeys, TEST_SECRET } from './test-tokens';
