import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidationOptions,
  validateSync,
} from 'class-validator';
import { authSettingProblems } from './auth-checks';
import { priceProblems } from './price-checks';
import { readPriceOverrides } from './price-overrides';
import {
  parseBaseUrl,
  parseBoolean,
  parseInteger,
  parseNonNegativeDecimal,
  parseOriginList,
  parsePositiveDecimal,
  parseRateLimit,
  parseRedisUrl,
  parseTrustProxy,
} from './env-parsers';

/** A value is valid when `parser` accepts it; the message says what the variable should look like. */
function Parses(parser: (text: string) => unknown, expected: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'parses',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parser(value) !== undefined,
        defaultMessage: () => `must be ${expected}`,
      },
    },
    options,
  );
}

const RATE = '<count>/<second|minute|hour|day>, e.g. 60/minute';
const BOOL = 'true or false';
const MONEY = 'a positive amount in USD, e.g. 5.0 or 0.05';
const MINUTES = 'a positive number of minutes, e.g. 30 or 0.5';
const URL_TEXT = 'an http(s) URL without credentials, query or fragment';
const parsePort = (text: string) => parseInteger(text, 0, 65535);
const parseHours = (text: string) => parsePositiveDecimal(text);

/** COST_PRICE_OVERRIDES: JSON prices; the message names the first problem. */
function PriceOverridesJson(): PropertyDecorator {
  return ValidateBy({
    name: 'priceOverrides',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && 'overrides' in readPriceOverrides(value),
      defaultMessage: (args) => {
        const result = readPriceOverrides(String(args?.value ?? ''));
        return 'problem' in result ? `${result.problem}; expected JSON like {"model-id":{"textIn":4,"textOut":16}} (USD per 1M tokens)` : 'is invalid';
      },
    },
  });
}

/**
 * Every variable of the README's configuration table, plus the few tuning knobs documented in .env.example.
 * All optional: defaults live in the *.config.ts namespaces. Values are strings as they come
 * from the environment; each namespace parses them with the same parsers used here.
 */
export class EnvironmentVariables {
  @IsOptional() @Parses(parsePort, 'a port number 0-65535') PORT?: string;
  @IsOptional() @IsString() @MaxLength(255) HOST?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @IsIn(['auto', 'json', 'pretty']) LOG_FORMAT?: string;

  @IsOptional() @IsString() OPENAI_API_KEY?: string;
  @IsOptional() @Parses(parseBaseUrl, URL_TEXT) OPENAI_BASE_URL?: string;
  @IsOptional() @Parses((t) => (/^[\w.-]{1,64}$/.test(t) ? t : undefined), 'a model id, e.g. gpt-realtime-2') REALTIME_MODEL?: string;
  @IsOptional() @IsIn(['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar']) REALTIME_VOICE?: string;
  @IsOptional() @Parses((t) => (/^[\w.-]{1,64}$/.test(t) ? t : undefined), 'a model id, e.g. gpt-4o-mini-transcribe') REALTIME_TRANSCRIPTION_MODEL?: string;
  @IsOptional() @Parses((t) => parseInteger(t, 64, 4096), 'an integer 64-4096') REALTIME_MAX_OUTPUT_TOKENS?: string;
  @IsOptional() @Parses((t) => (/^[\w.-]{1,64}$/.test(t) ? t : undefined), 'a model id, e.g. gpt-5.4-mini') WEB_SEARCH_MODEL?: string;

  @IsOptional() @IsString() WEATHER_API_KEY?: string;
  @IsOptional() @Parses(parseBaseUrl, URL_TEXT) OPEN_METEO_GEOCODING_URL?: string;
  @IsOptional() @Parses(parseBaseUrl, URL_TEXT) OPEN_METEO_FORECAST_URL?: string;
  @IsOptional() @Parses(parseBaseUrl, URL_TEXT) WEATHERAPI_BASE_URL?: string;
  @IsOptional() @Parses((t) => parseInteger(t, 1, 14), 'a whole number of days 1-14 (the free plan serves 3)') WEATHERAPI_MAX_FORECAST_DAYS?: string;
  @IsOptional() @IsString() OPEN_METEO_API_KEY?: string;

  @IsOptional() @Parses(parseRedisUrl, 'a redis:// or rediss:// URL, e.g. redis://redis:6379/0') REDIS_URL?: string;
  @IsOptional()
  @Parses(parseTrustProxy, 'off, a hop count 1-10, or a comma list of loopback / linklocal / uniquelocal / IP / CIDR')
  TRUST_PROXY?: string;

  @IsOptional() @Parses(parseBoolean, BOOL) RATE_LIMIT_ENABLED?: string;
  @IsOptional() @Parses(parseRateLimit, RATE) RATE_LIMIT_STATUS?: string;
  @IsOptional() @Parses(parseRateLimit, RATE) RATE_LIMIT_MAIN_PAGE?: string;
  @IsOptional() @Parses(parseRateLimit, RATE) RATE_LIMIT_WEBSOCKET?: string;
  @IsOptional() @Parses(parseRateLimit, RATE) RATE_LIMIT_WEATHER_API?: string;
  @IsOptional() @Parses(parseRateLimit, RATE) RATE_LIMIT_WEB_SEARCH?: string;
  @IsOptional() @Parses(parseRateLimit, RATE) RATE_LIMIT_SESSION_MESSAGES?: string;

  @IsOptional() @Parses(parseBoolean, BOOL) COST_PROTECTION_ENABLED?: string;
  @IsOptional() @Parses(parsePositiveDecimal, MONEY) COST_PROTECTION_MAX_SESSION_COST_USD?: string;
  @IsOptional() @Parses(parsePositiveDecimal, MINUTES) COST_PROTECTION_MAX_SESSION_DURATION_MINUTES?: string;
  @IsOptional() @Parses(parsePositiveDecimal, MONEY) COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD?: string;
  @IsOptional() @Parses(parsePositiveDecimal, MONEY) COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD?: string;
  @IsOptional() @Parses(parsePositiveDecimal, MINUTES) COST_PROTECTION_CIRCUIT_BREAKER_RESET_MINUTES?: string;
  @IsOptional() @Parses(parsePositiveDecimal, MINUTES) COST_PROTECTION_SPEND_WINDOW_MINUTES?: string;
  @IsOptional() @Parses(parseNonNegativeDecimal, 'an amount in USD ≥ 0, e.g. 0.25') COST_PROTECTION_SESSION_RESERVATION_USD?: string;
  @IsOptional() @Parses(parsePositiveDecimal, MONEY) COST_PROTECTION_MAX_USER_COST_PER_HOUR_USD?: string;
  @IsOptional() @Parses(parseNonNegativeDecimal, 'an amount in USD per minute ≥ 0 (0 turns the time floor off), e.g. 0.05') COST_PROTECTION_MIN_USD_PER_MINUTE?: string;
  @IsOptional() @PriceOverridesJson() COST_PRICE_OVERRIDES?: string;

  @IsOptional() @Parses(parseOriginList, 'a comma list of origins like https://duck.example.com or https://*.example.com') ALLOWED_ORIGINS?: string;
  @IsOptional() @Parses(parseBoolean, BOOL) ENABLE_HSTS?: string;
  @IsOptional() @Parses(parseBoolean, BOOL) ENABLE_METRICS?: string;
  @IsOptional() @IsString() METRICS_TOKEN?: string;

  @IsOptional() @Parses((t) => parsePositiveDecimal(t), 'a positive number of seconds') SESSION_IDLE_TIMEOUT_SECONDS?: string;
  @IsOptional() @Parses((t) => parsePositiveDecimal(t), 'a positive number of seconds') WS_HEARTBEAT_INTERVAL_SECONDS?: string;

  @IsOptional() @Parses(parseBoolean, BOOL) AUTH_REQUIRED?: string;
  @IsOptional() @IsString() JWT_SECRET_KEY?: string;
  @IsOptional() @IsIn(['HS256', 'RS256', 'ES256']) JWT_ALGORITHM?: string;
  @IsOptional() @IsString() JWT_PUBLIC_KEY?: string;
  @IsOptional() @IsString() @MaxLength(512) JWT_ISSUER?: string;
  @IsOptional() @IsString() @MaxLength(512) JWT_AUDIENCE?: string;
  @IsOptional() @Parses(parseHours, 'a positive number of hours, e.g. 8') JWT_MAX_TTL_HOURS?: string;
  @IsOptional() @Parses((t) => parseInteger(t, 0, 300), 'a whole number of seconds 0-300') JWT_CLOCK_TOLERANCE_SECONDS?: string;
  @IsOptional() @Parses(parseBaseUrl, URL_TEXT) AUTH_LOGIN_URL?: string;
  @IsOptional() @IsString() ADMIN_TOKEN?: string;
}

/** Variables whose values must never be echoed in an error message or a log line. */
const SECRET_VARIABLES = new Set(['OPENAI_API_KEY', 'WEATHER_API_KEY', 'OPEN_METEO_API_KEY', 'METRICS_TOKEN', 'JWT_SECRET_KEY', 'ADMIN_TOKEN', 'REDIS_URL']);

/** The variable names this service reads, taken from the decorators above. */
export const KNOWN_VARIABLES: ReadonlySet<string> = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
    .map((meta) => meta.propertyName),
);

/** Read from `.env` by docker compose (its own COMPOSE_* settings, the monitoring profile), not by DUCK-E. */
export const COMPOSE_VARIABLES = /^(COMPOSE_[A-Z0-9_]+|GRAFANA_ADMIN_PASSWORD)$/;

/** Thrown at boot when a variable is invalid; main.ts prints it and exits with code 1. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * The `validate` hook of ConfigModule: checks every variable it knows, and returns the known
 * ones as given (strings), so ConfigModule copies `.env` values into process.env for the
 * namespaces without ever overriding the real environment.
 */
export function validateEnvironment(raw: Record<string, unknown>): Record<string, string> {
  const known: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    // Empty values count as unset, as in most .env tooling ("PORT=" leaves the default).
    if (KNOWN_VARIABLES.has(key) && typeof value === 'string' && value.trim() !== '') known[key] = value;
  }
  const instance = plainToInstance(EnvironmentVariables, known);
  const errors = validateSync(instance, { skipMissingProperties: false, forbidUnknownValues: false });
  const problems = errors.map((error) => {
    // class-validator's own messages start with the property name, which the line already shows.
    const reasons = Object.values(error.constraints ?? {})
      .map((reason) => (reason.startsWith(`${error.property} `) ? reason.slice(error.property.length + 1) : reason))
      .join('; ');
    const shown = SECRET_VARIABLES.has(error.property) ? '' : `=${JSON.stringify(known[error.property])}`;
    return `${error.property}${shown} ${reasons}`;
  });
  // Rules across variables, checked once each variable is valid on its own.
  if (problems.length === 0) problems.push(...authSettingProblems(known, parseBoolean(known.AUTH_REQUIRED ?? 'false') === true));
  if (problems.length === 0) problems.push(...priceProblems(known));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return known;
}

/**
 * Validate `.env` (from the working directory) merged under the real environment, exactly as
 * ConfigModule will — called first thing in main.ts so a bad value stops the process with one
 * clear message before anything else starts. Returns the validated variables (the token command
 * reads its settings from them).
 */
export function checkEnvironmentAtBoot(envFile = join(process.cwd(), '.env')): Record<string, string> {
  const fromFile = existsSync(envFile) ? parse(readFileSync(envFile)) : {};
  return validateEnvironment({ ...fromFile, ...process.env });
}
