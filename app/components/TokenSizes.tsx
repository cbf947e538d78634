/** Browsers keep a cookie only up to about 4096 bytes, name and attributes included. */
const COOKIE_LIMIT_BYTES = 4096;

/** Bytes a base64url segment decodes to. */
const decodedBytes = (segment: string) => Math.floor((segment.length * 3) / 4);

/** The token's size, and its claims', since tokens ride in headers and cookies. */
export function TokenSizes({ jwt }: { jwt: string }) {
  const [header = "", payload = "", signature = ""] = jwt.split(".");
  return (
    <p className="token-sizes" data-testid="token-sizes">
      <strong>{jwt.length} bytes</strong> in all (header {header.length}, claims {payload.length}, signature{" "}
      {signature.length}, encoded); the claims are {decodedBytes(payload)} bytes of JSON.
      {jwt.length > COOKIE_LIMIT_BYTES && (
        <span className="token-size-warning"> Too big for a cookie: browsers stop near 4096 bytes.</span>
      )}
    </p>
  );
}
