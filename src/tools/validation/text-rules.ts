// What a place name and a search query may be. The original service rejected real input
// (L'Aquila, O'Hare, Union City, AT&T, "$5") with SQL/shell keyword lists; these rules instead
// say what the text is: a place name is letters of any script with the punctuation real names
// use; a query is any text without control characters. Values only ever travel as encoded
// query parameters or a JSON body, so quotes and keywords are harmless.

export const PLACE_MAX_CHARS = 100;
export const QUERY_MAX_CHARS = 300;

/** C0/C1 controls, line/paragraph separators, bidi overrides and isolates, BOM. */
const CONTROL = /[\p{Cc}\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;
/** A URL scheme (http:, javascript:, data:…), "//", "www." or a host name ending in a common TLD. */
const WEB_ADDRESS =
  /\b(https?|ftp|file|data|javascript|vbscript|mailto|wss?|gopher):|\/\/|\bwww\.|[\p{L}\p{N}-]\.(com|net|org|io|info|biz|app|dev|xyz|gov|edu)(?=$|[/:?#,\s])|\b\d{1,3}(\.\d{1,3}){3}\b/iu;
/** Tags and HTML entities. */
const MARKUP = /[<>]|&#?\w+;/u;
/**
 * Letters and marks of any script, digits, spaces, and the punctuation place names carry:
 * apostrophes (' ’ ‘ ʻ ʼ), hyphens and dashes, . , ( ) / & · and the CJK / Arabic separators.
 */
const PLACE_CHARS = /^[\p{L}\p{M}\p{N}\p{Zs}'’‘ʻʼ.,()/&·・\-‐‑–—、，،]+$/u;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Why `value` is not a place name, or undefined when it is one. Expects trimmed NFC text. */
export function placeNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a place name (text)';
  if (value.length > PLACE_MAX_CHARS * 4) return `must be at most ${PLACE_MAX_CHARS} characters`;
  const length = [...value].length;
  if (length === 0) return 'must not be empty';
  if (length > PLACE_MAX_CHARS) return `must be at most ${PLACE_MAX_CHARS} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (WEB_ADDRESS.test(value)) return 'must be a place name, not a web address';
  if (MARKUP.test(value)) return 'must be a place name, not markup';
  if (!PLACE_CHARS.test(value)) return "may only contain letters, digits, spaces and ' - . , ( ) / &";
  if (!HAS_LETTER_OR_DIGIT.test(value)) return 'must contain letters or digits';
  return undefined;
}

/** Why `value` is not a search query, or undefined when it is one. Expects trimmed NFC text. */
export function searchQueryProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a search query (text)';
  if (value.length > QUERY_MAX_CHARS * 4) return `must be at most ${QUERY_MAX_CHARS} characters`;
  const length = [...value].length;
  if (length === 0) return 'must not be empty';
  if (length > QUERY_MAX_CHARS) return `must be at most ${QUERY_MAX_CHARS} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (!HAS_LETTER_OR_DIGIT.test(value)) return 'must contain letters or digits';
  return undefined;
}
