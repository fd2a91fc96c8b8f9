/** The rejection of a call that must fail, as a record of its fields; resolves-instead-of-rejecting fails the test. */
export const fail = (promise: Promise<unknown>): Promise<Record<string, unknown>> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as Record<string, unknown>,
  );
