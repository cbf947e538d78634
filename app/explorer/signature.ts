/** What the server found out about a token's signature (shared by server and browser code). */
export type SignatureCheck =
  | { status: "verified"; alg: string; kid: string }
  | { status: "invalid"; alg: string; kid: string }
  | { status: "own-key"; alg: string }
  | { status: "unavailable" };
