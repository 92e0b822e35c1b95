/** A compiled transform: input value to output value; throws an Error saying why it cannot. */
export type Transform = (input: unknown) => unknown;
