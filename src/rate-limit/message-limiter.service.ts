import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { MessageBucket, MessageLimiter } from '../common/session-ports';
import { rateLimitConfig } from '../config/rate-limit.config';
import { BucketRule, TokenBucket } from './token-bucket';

/** A client may save up this many seconds of its message rate (20 messages at 5/second). */
export const MESSAGE_BURST_SECONDS = 4;

const UNLIMITED: MessageBucket = Object.freeze({ take: () => true });

/** MESSAGE_LIMITER: RATE_LIMIT_SESSION_MESSAGES, the inbound messages of one /session connection. */
@Injectable()
export class MessageLimiterService implements MessageLimiter {
  readonly rule: BucketRule;

  constructor(@Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>) {
    this.rule = messageBucketRule(config.sessionMessages);
  }

  forConnection(now?: () => number): MessageBucket {
    return this.config.enabled ? new TokenBucket(this.rule, now) : UNLIMITED;
  }
}

export function messageBucketRule(rate: { limit: number; windowMs: number }): BucketRule {
  const perSecond = (rate.limit * 1000) / rate.windowMs;
  return { perSecond, burst: Math.max(1, Math.round(perSecond * MESSAGE_BURST_SECONDS)) };
}

/** The default rule (5/second → burst 20), for specs that build a connection by hand. */
export const DEFAULT_MESSAGE_RULE: BucketRule = messageBucketRule({ limit: 5, windowMs: 1000 });
