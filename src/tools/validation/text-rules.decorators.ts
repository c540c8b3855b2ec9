import { ValidateBy, ValidationOptions } from 'class-validator';
import { placeNameProblem, searchQueryProblem } from './text-rules';

/** A class-validator decorator from a "what is wrong" function; the message is that answer. */
function ruleDecorator(name: string, problem: (value: unknown) => string | undefined) {
  return (options?: ValidationOptions): PropertyDecorator =>
    ValidateBy(
      {
        name,
        validator: {
          validate: (value: unknown) => problem(value) === undefined,
          defaultMessage: (args) => problem(args?.value) ?? 'is invalid',
        },
      },
      options,
    );
}

export const IsPlaceName = ruleDecorator('isPlaceName', placeNameProblem);
export const IsSearchQuery = ruleDecorator('isSearchQuery', searchQueryProblem);
