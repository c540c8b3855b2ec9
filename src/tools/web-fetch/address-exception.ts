// The one test seam of web_fetch's address checks. Production provides NO_ADDRESS_EXCEPTION and
// nothing can change it: no variable, no config namespace, no argument reads it. Only a test's
// Nest testing module (`overrideProvider(ADDRESS_EXCEPTION)`) replaces it, to let exactly one
// loopback address stand for a fake public site while every other address — private ones on the
// same loopback included — meets the production classifier.

export interface AddressException {
  /** A resolved address accepted as public despite the classifier; null: none. */
  readonly address: string | null;
}

export const ADDRESS_EXCEPTION = Symbol('ADDRESS_EXCEPTION');

export const NO_ADDRESS_EXCEPTION: AddressException = Object.freeze({ address: null });
