import { PLACE_MAX_CHARS } from '../validation/text-rules';

/** The `location` argument as both weather tools describe it to the model. */
export const LOCATION_PARAMETER = {
  type: 'string',
  description:
    'The place: a city or town, with its state or country after a comma when several places share the name, e.g. "Paris, France", "Paris, Texas", "Union City, NJ", "東京".',
  minLength: 1,
  maxLength: PLACE_MAX_CHARS,
};
