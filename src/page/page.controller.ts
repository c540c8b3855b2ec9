import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appConfig } from '../config/app.config';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { VIEWS_DIR } from './views-path';

@Controller()
export class PageController {
  private readonly html: string;

  constructor(@Inject(appConfig.KEY) app: ConfigType<typeof appConfig>) {
    // Read once at boot; the version busts browser caches of the bundled assets after a deploy.
    this.html = readFileSync(join(VIEWS_DIR, 'index.html'), 'utf8').replaceAll('{{version}}', encodeURIComponent(app.version));
  }

  @Get()
  @RateLimit('main_page')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.html;
  }
}
