import { createContext, useContext } from "react";

/**
 * The per-request Content-Security-Policy nonce, from the server's load
 * context. In the browser it is empty: browsers hide nonces from scripts.
 */
const NonceContext = createContext<string>("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
