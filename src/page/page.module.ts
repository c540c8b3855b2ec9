import { Module } from '@nestjs/common';
import { PageController } from './page.controller';

/** The voice assistant page (views/index.html); its assets are served by configureApp. */
@Module({ controllers: [PageController] })
export class PageModule {}
