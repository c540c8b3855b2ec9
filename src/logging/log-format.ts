import type { LogFormatSetting } from '../config/app.config';

/**
 * Readable lines for a person at a terminal; JSON lines for everything that collects logs
 * (a container, CI, a file, a pipe) and in production, whatever the terminal.
 */
export function chooseLogFormat(setting: LogFormatSetting, stdoutIsTty: boolean, production: boolean): 'json' | 'pretty' {
  if (setting !== 'auto') return setting;
  return stdoutIsTty && !production ? 'pretty' : 'json';
}
