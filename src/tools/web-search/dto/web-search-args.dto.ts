import { IsSearchQuery } from '../../validation/text-rules.decorators';

export class WebSearchArgs {
  @IsSearchQuery()
  query!: string;
}
