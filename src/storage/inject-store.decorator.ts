import { Inject } from '@nestjs/common';

/** DI token of the StateStore chosen at boot (MemoryStore or RedisStore). */
export const STATE_STORE = Symbol('STATE_STORE');

/** Inject the shared StateStore: `constructor(@InjectStore() store: StateStore)`. */
export const InjectStore = (): ParameterDecorator => Inject(STATE_STORE);

/**
 * DI token of this instance's own in-memory store when STATE_STORE is shared (Redis), for state
 * that must survive the shared store failing (the rate limits' fallback counter); null when
 * STATE_STORE is already in memory.
 */
export const LOCAL_STORE = Symbol('LOCAL_STORE');

/** Inject the per-instance fallback store: `constructor(@InjectLocalStore() local: MemoryStore | null)`. */
export const InjectLocalStore = (): ParameterDecorator => Inject(LOCAL_STORE);
