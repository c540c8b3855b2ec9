import { Inject } from '@nestjs/common';

/** DI token of the StateStore chosen at boot (MemoryStore or RedisStore). */
export const STATE_STORE = Symbol('STATE_STORE');

/** Inject the shared StateStore: `constructor(@InjectStore() store: StateStore)`. */
export const InjectStore = (): ParameterDecorator => Inject(STATE_STORE);
